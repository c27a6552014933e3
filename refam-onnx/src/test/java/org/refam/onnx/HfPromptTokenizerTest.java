package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.InvalidExpressionException;
import org.refam.api.ModelException;
import org.refam.api.PromptTooLongException;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.MagnetRedistributor;
import org.refam.core.text.Prompts;

/** The DJL-backed tokenizer: ids, spans, word indices, roles, padding, truncation, errors. */
class HfPromptTokenizerTest {
    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(HfPromptTokenizerTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hand-written T5-like file: Metaspace pre-tokenizer, Unigram pieces, {@code </s>} appended. */
    static HfPromptTokenizer t5(int maxLength) {
        return HfPromptTokenizer.load(resource("/tokenizers/t5-unigram.json"), maxLength, 0);
    }

    @Test
    void wordLevelFixtureTokenizerMatchesTheFixtureIds() {
        Fixture fx = Fixture.load("tiny");
        try (HfPromptTokenizer tok = HfPromptTokenizer.load(fx.bundle().resolve("tokenizer.json"), 8, 0)) {
            String prompt = fx.json.get("pipeline").get("prompt").asText();
            List<Token> tokens = tok.encode(prompt, 0, TokenRole.EXPRESSION);
            long[] ids = fx.tensor("pipeline-text/input_ids").longs();
            for (int i = 0; i < tokens.size(); i++) {
                assertThat((long) tokens.get(i).id()).as("id %d", i).isEqualTo(ids[i]);
            }
            assertThat(ids[tokens.size()]).as("the fixture pads right after </s>").isEqualTo(0L);
            Token last = tokens.get(tokens.size() - 1);
            assertThat(last.text()).isEqualTo("</s>");
            assertThat(last.role()).isEqualTo(TokenRole.SPECIAL);
            assertThat(last.wordIndex()).isEqualTo(-1);
            // Word-level pieces: each span is the piece itself; the word index counts the spaces before it.
            for (Token t : tokens.subList(0, tokens.size() - 1)) {
                assertThat(prompt.substring(t.charStart(), t.charEnd())).isEqualTo(t.text());
                long spaces = prompt.substring(0, t.charStart()).chars().filter(ch -> ch == ' ').count();
                assertThat(t.wordIndex()).as("word of '%s'", t.text()).isEqualTo((int) spaces);
                assertThat(t.role()).isEqualTo(TokenRole.EXPRESSION);
            }
            assertThat(tok.paddingToken()).isEqualTo(new Token(0, "<pad>", 0, -1, -1, -1, TokenRole.PADDING));
        }
    }

    @Test
    void loneWordMarkIsSpecialAndSpansExcludeTheSpace() {
        try (HfPromptTokenizer tok = t5(32)) {
            String text = "a largest orange goldfish";
            List<Token> tokens = tok.encode(text, 0, TokenRole.EXPRESSION);
            assertThat(tokens).extracting(Token::text)
                    .containsExactly("\u2581", "a", "\u2581largest", "\u2581orange", "\u2581gold", "fish", "</s>");
            assertThat(tokens.get(0).role()).isEqualTo(TokenRole.SPECIAL);
            assertThat(tokens.get(0).charStart()).isEqualTo(-1);
            assertThat(tokens.get(6).role()).isEqualTo(TokenRole.SPECIAL);
            String[] surface = {"a", "largest", "orange", "gold", "fish"};
            int[] word = {0, 1, 2, 3, 3};
            for (int i = 1; i <= 5; i++) {
                Token t = tokens.get(i);
                assertThat(text.substring(t.charStart(), t.charEnd())).isEqualTo(surface[i - 1]);
                assertThat(t.wordIndex()).isEqualTo(word[i - 1]);
                assertThat(t.role()).isEqualTo(TokenRole.EXPRESSION);
            }
        }
    }

    @Test
    void spansAreUtf16OffsetsAfterSupplementaryCharacters() {
        try (HfPromptTokenizer tok = t5(32)) {
            String text = "\ud83d\ude00  gold";
            List<Token> tokens = tok.encode(text, 2, TokenRole.MAGNET);
            Token gold = tokens.stream().filter(t -> t.text().equals("\u2581gold")).findFirst().orElseThrow();
            assertThat(text.substring(gold.charStart(), gold.charEnd())).isEqualTo("gold");
            assertThat(gold.wordIndex()).as("whitespace-separated words, the double space counts once").isEqualTo(1);
            assertThat(gold.segment()).isEqualTo(2);
            assertThat(gold.role()).isEqualTo(TokenRole.MAGNET);
        }
    }

    @Test
    void magnetsEachGetTheirOwnEndToken() {
        try (HfPromptTokenizer tok = t5(32)) {
            TokenizedPrompt p = Prompts.expression("a largest orange goldfish", tok, false);
            TokenizedPrompt r = MagnetRedistributor.standard().redistribute(p, tok);
            // The paper's figure:
            // ▁ a ▁largest ▁orange ▁gold fish </s> | ▁ . </s> ▁with </s> ▁ a </s> ▁the </s> ▁pink </s>
            assertThat(r.tokens()).extracting(Token::text).containsExactly("\u2581", "a", "\u2581largest",
                    "\u2581orange", "\u2581gold", "fish", "</s>", "\u2581", ".", "</s>", "\u2581with", "</s>", "\u2581",
                    "a", "</s>", "\u2581the", "</s>", "\u2581pink", "</s>");
            assertThat(r.magnets()).containsExactly(".", "with", "a", "the", "pink");
            assertThat(r.tokens().stream().filter(t -> t.role() == TokenRole.MAGNET).map(Token::text))
                    .containsExactly(".", "\u2581with", "a", "\u2581the", "\u2581pink");
            TokenizedPrompt padded = Prompts.pad(r, tok);
            assertThat(padded.size()).isEqualTo(32);
            assertThat(padded.token(31).role()).isEqualTo(TokenRole.PADDING);
        }
    }

    @Test
    void truncationIsReportedAndRefusalNamesTheLength() {
        try (HfPromptTokenizer tok = t5(4)) {
            String text = "the largest orange goldfish";
            TokenizedPrompt kept = Prompts.expression(text, tok, true);
            assertThat(kept.size()).isEqualTo(4);
            assertThat(kept.truncatedTokens()).isEqualTo(2);
            assertThat(kept.token(3).text()).isEqualTo("</s>");
            assertThatThrownBy(() -> Prompts.expression(text, tok, false)).isInstanceOf(PromptTooLongException.class)
                    .hasMessageContaining("6 tokens").hasMessageContaining("4");
        }
    }

    @Test
    void blankTextIsRefused() {
        try (HfPromptTokenizer tok = t5(8)) {
            assertThatThrownBy(() -> tok.encode("  ", 0, TokenRole.EXPRESSION))
                    .isInstanceOf(InvalidExpressionException.class);
        }
    }

    @Test
    void missingOrMalformedFilesAreModelErrors() throws IOException {
        assertThatThrownBy(() -> HfPromptTokenizer.load(tmp.resolve("none.json"), 8, 0))
                .isInstanceOf(ModelException.class).hasMessageContaining("none.json");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"version\": \"1.0\", \"model\": {\"type\": \"NoSuchModel\"}}");
        assertThatThrownBy(() -> HfPromptTokenizer.load(bad, 8, 0)).isInstanceOf(ModelException.class)
                .hasMessageContaining("bad.json");
        Path garbage = tmp.resolve("garbage.json");
        Files.write(garbage, new byte[] {0, 1, 2, (byte) 0xff});
        assertThatThrownBy(() -> HfPromptTokenizer.load(garbage, 8, 0)).isInstanceOf(ModelException.class)
                .hasMessageContaining("garbage.json");
    }

    @Test
    void concurrentEncodingEqualsSequential() throws Exception {
        String[] texts = {"a largest orange goldfish", "the pink", "with a . the", "gold fish gold", "orange"};
        try (HfPromptTokenizer tok = t5(32)) {
            List<List<Token>> want = new java.util.ArrayList<>();
            for (String t : texts) {
                want.add(tok.encode(t, 0, TokenRole.EXPRESSION));
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<List<Token>>> got = new java.util.ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    String t = texts[i % texts.length];
                    got.add(pool.submit(() -> tok.encode(t, 0, TokenRole.EXPRESSION)));
                }
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i).get()).isEqualTo(want.get(i % texts.length));
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void closeIsIdempotentAndEncodingAfterwardsFails() {
        HfPromptTokenizer tok = t5(8);
        tok.close();
        tok.close();
        assertThatThrownBy(() -> tok.encode("gold", 0, TokenRole.EXPRESSION)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tok.ids("gold")).isInstanceOf(IllegalStateException.class);
    }
}
