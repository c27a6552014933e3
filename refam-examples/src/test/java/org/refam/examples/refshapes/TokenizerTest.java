package org.refam.examples.refshapes;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.ProgressListener;

/** The dataset's tokenizer.json, loaded by the HuggingFace tokenizers library through DJL (native, offline). */
class TokenizerTest {
    @TempDir
    static Path dir;

    private static HuggingFaceTokenizer tokenizer;
    private static List<String> vocabulary;

    @BeforeAll
    static void load() throws IOException {
        RefShapesGenerator.builder().count(30).objects(2, 5).build().write(dir, ProgressListener.NONE);
        vocabulary = Files.readAllLines(dir.resolve("vocabulary.txt"));
        tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    private static long id(String word) {
        int i = vocabulary.indexOf(word);
        assertThat(i).as("'%s' is in vocabulary.txt", word).isGreaterThanOrEqualTo(0);
        return i;
    }

    @Test
    void specialTokensHaveT5Ids() {
        assertThat(vocabulary.subList(0, 3)).containsExactly("<pad>", "</s>", "<unk>");
    }

    @Test
    void anExpressionGivesItsWordIdsThenEndOfSequenceWithCharacterSpans() {
        Encoding e = tokenizer.encode("the small red circle");
        assertThat(e.getTokens()).containsExactly("the", "small", "red", "circle", "</s>");
        assertThat(e.getIds()).containsExactly(id("the"), id("small"), id("red"), id("circle"), 1L);
        CharSpan[] spans = e.getCharTokenSpans();
        assertThat(spans).hasSize(5);
        int[][] expected = {{0, 3}, {4, 9}, {10, 13}, {14, 20}};
        for (int i = 0; i < 4; i++) {
            assertThat(new int[] {spans[i].getStart(), spans[i].getEnd()}).as("span of token %d", i)
                    .containsExactly(expected[i]);
        }
        assertThat(e.getSpecialTokenMask()).containsExactly(0, 0, 0, 0, 1);
    }

    @Test
    void casingAndPunctuationAreNormalised() {
        Encoding e = tokenizer.encode("The Small RED circle.");
        assertThat(e.getIds()).containsExactly(id("the"), id("small"), id("red"), id("circle"), id("."), 1L);
        assertThat(e.getCharTokenSpans()[4].getStart()).isEqualTo(20);
        Encoding unknown = tokenizer.encode("the pink giraffe");
        assertThat(unknown.getIds()).containsExactly(id("the"), id("pink"), 2L, 1L);
    }

    @Test
    void everyDefaultMagnetIsOneKnownTokenPlusEndOfSequence() {
        for (String magnet : List.of(".", "with", "a", "the", "pink", "to")) {
            Encoding e = tokenizer.encode(magnet);
            assertThat(e.getIds()).as(magnet).containsExactly(id(magnet), 1L);
        }
    }

    @Test
    void everyGeneratedTextTokenizesWithoutUnknownsAsTheJavaWordSplitSays() {
        RefShapesDataset d = RefShapesDataset.open(dir);
        int texts = 0;
        for (Scene s : d.scenes()) {
            List<String> all = new ArrayList<>();
            s.captions().forEach(c -> all.add(c.text()));
            s.expressions().forEach(x -> all.add(x.text()));
            for (String t : all) {
                Encoding e = tokenizer.encode(t);
                List<String> expected = new ArrayList<>(Vocabulary.words(t));
                expected.add("</s>");
                assertThat(Arrays.asList(e.getTokens())).as(t).isEqualTo(expected);
                assertThat(e.getIds()).as(t).doesNotContain(2L);
                texts++;
            }
        }
        assertThat(texts).isGreaterThan(200);
    }
}
