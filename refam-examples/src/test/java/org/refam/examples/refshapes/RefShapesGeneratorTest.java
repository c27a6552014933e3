package org.refam.examples.refshapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.refam.api.CancelledException;
import org.refam.api.Mask;
import org.refam.api.ProgressListener;
import org.refam.api.RgbImage;

class RefShapesGeneratorTest {

    private static Map<String, byte[]> readTree(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void theSameOptionsWriteByteIdenticalFolders(@TempDir Path tmp) throws IOException {
        RefShapesGenerator g = RefShapesGenerator.builder().count(12).seed(5).build();
        g.write(tmp.resolve("a"), ProgressListener.NONE);
        RefShapesGenerator.builder().count(12).seed(5).build().write(tmp.resolve("b"), ProgressListener.NONE);
        Map<String, byte[]> a = readTree(tmp.resolve("a"));
        Map<String, byte[]> b = readTree(tmp.resolve("b"));
        assertThat(a.keySet()).isEqualTo(b.keySet()).contains("index.json", "tokenizer.json", "vocabulary.txt",
                "images/train-00000005.png", "images/train-00000016.png", "masks/train-00000016-1.png");
        for (String name : a.keySet()) {
            assertThat(b.get(name)).as(name).isEqualTo(a.get(name));
        }
    }

    @Test
    void aSceneDependsOnItsSeedNotOnItsPositionInTheRun(@TempDir Path tmp) throws IOException {
        RefShapesGenerator.builder().count(6).seed(0).build().write(tmp.resolve("all"), ProgressListener.NONE);
        RefShapesGenerator.builder().count(2).seed(4).build().write(tmp.resolve("tail"), ProgressListener.NONE);
        for (String f : List.of("images/train-00000004.png", "images/train-00000005.png",
                "masks/train-00000005-0.png")) {
            assertThat(Files.readAllBytes(tmp.resolve("tail").resolve(f)))
                    .isEqualTo(Files.readAllBytes(tmp.resolve("all").resolve(f)));
        }
        RefShapesGenerator g = RefShapesGenerator.builder().build();
        assertThat(g.render(1).image().rgb()).isNotEqualTo(g.render(2).image().rgb());
    }

    @ParameterizedTest
    @CsvSource({"STANDARD, 64", "STANDARD, 48", "STANDARD, 32", "HARD, 64", "HARD, 48"})
    void masksArePixelExactAgainstThePaintedImage(Variant variant, int size) {
        RefShapesGenerator g = RefShapesGenerator.builder().variant(variant).size(size)
                .objects(1, variant == Variant.HARD ? 5 : 9).build();
        for (int seed = 0; seed < 60; seed++) {
            RefShapesGenerator.RenderedScene r = g.render(seed);
            RgbImage img = r.image();
            List<ObjectInstance> objs = r.scene().objects();
            // The pixels painted in colour c are exactly the union of the masks of the objects of colour c.
            List<String> mismatches = new ArrayList<>();
            for (Colour c : Colour.values()) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        boolean inMask = false;
                        for (ObjectInstance o : objs) {
                            inMask |= o.colour() == c && r.masks().get(o.id()).get(x, y);
                        }
                        if (c.matches(img, x, y) != inMask) {
                            mismatches.add(c + " at (" + x + ", " + y + ") in mask: " + inMask);
                        }
                    }
                }
            }
            assertThat(mismatches).as(r.scene().id()).isEmpty();
            boolean[] seen = new boolean[size * size];
            for (ObjectInstance o : objs) {
                Mask m = r.masks().get(o.id());
                assertThat(m.area()).as("area of %s", o).isEqualTo(o.area()).isPositive();
                int x0 = size;
                int y0 = size;
                int x1 = -1;
                int y1 = -1;
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        if (m.get(x, y)) {
                            assertThat(seen[y * size + x]).as("masks overlap at (%d, %d)", x, y).isFalse();
                            seen[y * size + x] = true;
                            x0 = Math.min(x0, x);
                            y0 = Math.min(y0, y);
                            x1 = Math.max(x1, x);
                            y1 = Math.max(y1, y);
                        }
                    }
                }
                assertThat(o.bbox()).isEqualTo(new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1));
                assertThat(components(m)).as("%s of %s is one 8-connected piece", o.describe(), r.scene().id())
                        .isEqualTo(1);
            }
        }
    }

    private static int components(Mask m) {
        boolean[] done = new boolean[m.data().length];
        int n = 0;
        for (int start = 0; start < done.length; start++) {
            if (!m.data()[start] || done[start]) {
                continue;
            }
            n++;
            ArrayDeque<Integer> stack = new ArrayDeque<>(List.of(start));
            done[start] = true;
            while (!stack.isEmpty()) {
                int p = stack.pop();
                int px = p % m.width();
                int py = p / m.width();
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int x = px + dx;
                        int y = py + dy;
                        boolean inside = x >= 0 && y >= 0 && x < m.width() && y < m.height();
                        if (inside && m.get(x, y) && !done[y * m.width() + x]) {
                            done[y * m.width() + x] = true;
                            stack.push(y * m.width() + x);
                        }
                    }
                }
            }
        }
        return n;
    }

    @Test
    void standardScenesPutOneObjectInsideEachOfDistinctCells() {
        RefShapesGenerator g = RefShapesGenerator.builder().size(50).objects(2, 9).build();
        for (int seed = 0; seed < 100; seed++) {
            RefShapesGenerator.RenderedScene r = g.render(seed);
            Scene s = r.scene();
            assertThat(s.objects()).extracting(ObjectInstance::cell).doesNotHaveDuplicates();
            assertThat(s.objects().size()).isBetween(2, 9);
            for (ObjectInstance o : s.objects()) {
                Mask m = r.masks().get(o.id());
                for (int y = 0; y < 50; y++) {
                    for (int x = 0; x < 50; x++) {
                        if (m.get(x, y)) {
                            assertThat(Cell.containing(x + 0.5, y + 0.5, 50, 50)).as("%s pixel (%d, %d)", s.id(), x, y)
                                    .isEqualTo(o.cell());
                        }
                    }
                }
            }
        }
    }

    @Test
    void hardScenesKeepObjectsApartAndTheCellOfTheirCentre() {
        RefShapesGenerator g = RefShapesGenerator.builder().variant(Variant.HARD).objects(5, 5).build();
        for (int seed = 0; seed < 100; seed++) {
            List<ObjectInstance> objs = g.render(seed).scene().objects();
            assertThat(objs).hasSize(5);
            for (ObjectInstance a : objs) {
                assertThat(a.cell()).isEqualTo(Cell.containing(a.centreX(), a.centreY(), 64, 64));
                for (ObjectInstance b : objs) {
                    if (a.id() < b.id()) {
                        Box p = a.bbox();
                        Box q = b.bbox();
                        boolean apart = p.x() + p.width() < q.x() || q.x() + q.width() < p.x()
                                || p.y() + p.height() < q.y() || q.y() + q.height() < p.y();
                        assertThat(apart).as("boxes %s and %s are apart", p, q).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void attributesAreDistinctPerSceneAndSharedAcrossObjects() {
        RefShapesGenerator g = RefShapesGenerator.builder().objects(3, 4).build();
        int sharing = 0;
        for (int seed = 0; seed < 200; seed++) {
            List<ObjectInstance> objs = g.render(seed).scene().objects();
            assertThat(objs).extracting(ObjectInstance::describe).doesNotHaveDuplicates();
            Set<Shape> shapes = new HashSet<>();
            Set<Colour> colours = new HashSet<>();
            objs.forEach(o -> {
                shapes.add(o.shape());
                colours.add(o.colour());
            });
            if (shapes.size() < objs.size() || colours.size() < objs.size()) {
                sharing++;
            }
        }
        // Distractors sharing an attribute with another object are the point of the dataset.
        assertThat(sharing).isGreaterThan(150);
    }

    @Test
    void captionsDescribeTheSceneOrASubsetAtTheConfiguredRate() {
        RefShapesGenerator g = RefShapesGenerator.builder().captionsPerImage(4).build();
        int captions = 0;
        int subsets = 0;
        for (int seed = 0; seed < 500; seed++) {
            Scene s = g.render(seed).scene();
            for (Caption c : s.captions()) {
                captions++;
                if (c.objects().size() < s.objects().size()) {
                    subsets++;
                }
                assertThat(c.objects()).doesNotHaveDuplicates();
                int from = 0;
                for (int id : c.objects()) {
                    ObjectInstance o = s.object(id);
                    String phrase = o.colour().word() + " " + o.shape().word() + " " + o.cell().phrase();
                    int at = c.text().indexOf(phrase, from);
                    assertThat(at).as("'%s' mentions '%s' in order", c.text(), phrase).isGreaterThanOrEqualTo(from);
                    from = at + phrase.length();
                }
            }
        }
        assertThat(captions).isEqualTo(2000);
        assertThat((double) subsets / captions).isBetween(0.21, 0.29);
        RefShapesGenerator none = RefShapesGenerator.builder().captionSubsetRatio(0).build();
        for (int seed = 0; seed < 50; seed++) {
            Scene s = none.render(seed).scene();
            assertThat(s.captions()).allSatisfy(c -> assertThat(c.objects()).hasSameSizeAs(s.objects()));
        }
    }

    @Test
    void textsUseOnlyVocabularyWordsAndNeverPink() {
        for (Variant v : Variant.values()) {
            RefShapesGenerator g = RefShapesGenerator.builder().variant(v).objects(2, 5).build();
            for (int seed = 0; seed < 200; seed++) {
                Scene s = g.render(seed).scene();
                List<String> texts = new ArrayList<>();
                s.captions().forEach(c -> texts.add(c.text()));
                s.expressions().forEach(e -> texts.add(e.text()));
                for (String t : texts) {
                    assertThat(Vocabulary.unknownWords(t)).as(t).isEmpty();
                    assertThat(Vocabulary.words(t)).as(t).doesNotContain("pink");
                }
                assertThat(s.expressions()).isNotEmpty();
                for (ObjectInstance o : s.objects()) {
                    assertThat(s.expressions()).as("object %d of %s has an expression", o.id(), s.id())
                            .anySatisfy(e -> assertThat(e.target()).isEqualTo(o.id()));
                }
            }
        }
        assertThat(RefShapesGenerator.vocabulary()).contains(".", "with", "a", "the", "pink", "of", "and")
                .doesNotHaveDuplicates().startsWith("<pad>", "</s>", "<unk>");
    }

    @Test
    void theBuilderRejectsBadOptionsNamingTheValue() {
        assertThatThrownBy(() -> RefShapesGenerator.builder().size(16)).hasMessageContaining("16");
        assertThatThrownBy(() -> RefShapesGenerator.builder().objects(3, 2)).hasMessageContaining("min 3, max 2");
        assertThatThrownBy(() -> RefShapesGenerator.builder().objects(1, 10)).hasMessageContaining("max 10");
        assertThatThrownBy(() -> RefShapesGenerator.builder().count(0)).hasMessageContaining("0");
        assertThatThrownBy(() -> RefShapesGenerator.builder().captionSubsetRatio(Double.NaN))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> RefShapesGenerator.builder().variant(Variant.HARD).objects(2, 6).build())
                .hasMessageContaining("max 6");
        assertThatThrownBy(() -> RefShapesGenerator.builder().build().render(-1)).hasMessageContaining("-1");
    }

    @Test
    void writeReportsProgressAndStopsWhenCancelled(@TempDir Path tmp) {
        List<Long> done = new ArrayList<>();
        RefShapesGenerator g = RefShapesGenerator.builder().count(5).build();
        g.write(tmp.resolve("ok"), (stage, d, total) -> {
            assertThat(total).isEqualTo(5);
            done.add(d);
        });
        assertThat(done).containsExactly(1L, 2L, 3L, 4L, 5L);

        AtomicInteger calls = new AtomicInteger();
        ProgressListener cancelAfterTwo = new ProgressListener() {
            @Override
            public void progress(String stage, long d, long total) {
                calls.incrementAndGet();
            }

            @Override
            public boolean isCancelled() {
                return calls.get() >= 2;
            }
        };
        Path dir = tmp.resolve("cancelled");
        assertThatThrownBy(() -> g.write(dir, cancelAfterTwo)).isInstanceOf(CancelledException.class);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(dir.resolve("index.json")).doesNotExist();
        assertThat(dir.resolve("index.json.part")).doesNotExist();
        assertThatThrownBy(() -> RefShapesDataset.open(dir)).isInstanceOf(RefShapesFormatException.class);
    }

    @Test
    void anExistingDatasetIsReplacedOnlyWhenAsked(@TempDir Path tmp) throws IOException {
        RefShapesGenerator.builder().count(4).build().write(tmp, ProgressListener.NONE);
        Path notes = Files.writeString(tmp.resolve("images").resolve("notes.txt"), "keep me");
        RefShapesGenerator two = RefShapesGenerator.builder().count(2).build();
        assertThatThrownBy(() -> two.write(tmp, ProgressListener.NONE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("index.json");
        two.write(tmp, ProgressListener.NONE, true);
        assertThat(tmp.resolve("images/train-00000003.png")).doesNotExist();
        assertThat(notes).exists();
        assertThat(RefShapesDataset.open(tmp).size()).isEqualTo(2);
    }
}
