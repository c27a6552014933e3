package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.AttentionExtractorProvider;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.CancelledException;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.FloatTensor;
import org.refam.api.ImageGeometry;
import org.refam.api.InvalidImageException;
import org.refam.api.ModelException;
import org.refam.api.ProgressListener;
import org.refam.api.PromptTooLongException;
import org.refam.api.RefAmException;
import org.refam.api.RgbImage;
import org.refam.api.SamplingOptions;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.MagnetRedistributor;
import org.refam.core.text.Prompts;

/** Behaviour of the ONNX extractor on the tiny fixture bundle: shapes, sampling, errors, threads, close. */
class OnnxAttentionExtractorTest {
    private static OnnxAttentionExtractor mean;
    private static OnnxAttentionExtractor perHead;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        mean = OnnxAttentionExtractor.open(Fixture.load("tiny").bundle(), "cpu");
        perHead = OnnxAttentionExtractor.open(Fixture.load("tiny-perhead").bundle(), "cpu");
    }

    @AfterAll
    static void close() {
        mean.close();
        perHead.close();
    }

    /** A seeded random image. */
    static RgbImage image(int width, int height, long seed) {
        byte[] rgb = new byte[3 * width * height];
        new java.util.SplittableRandom(seed).nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }

    static TokenizedPrompt prompt(OnnxAttentionExtractor x, String text) {
        return Prompts.expression(text, x.tokenizer(), false);
    }

    static ExtractionRequest request(RgbImage image, TokenizedPrompt p, List<Integer> blocks, boolean heads,
                                     boolean t2t, SamplingOptions s) {
        return new ExtractionRequest(List.of(image), p, blocks, heads, t2t, s, ProgressListener.NONE);
    }

    @Test
    void nonSquareImageMapsToItsGridAndRowsAreProbabilities() {
        RgbImage img = image(50, 20, 1);
        AttentionMaps maps = mean.extract(ExtractionRequest.of(img, prompt(mean, "the pink dog")));
        // The bundle's "fit" at size 32 with 4 px cells: 50 -> 32 px (8 cells), 20 * 0.64 / 4 = 3.2 -> 3 cells.
        ImageGeometry g = maps.geometry();
        assertThat(g).isEqualTo(ImageGeometry.stretched(20, 50, 3, 8));
        assertThat(g.pixelX(0)).as("centre of the first column").isCloseTo(0.5 * 50 / 8.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(maps.prompt().size()).isEqualTo(8);
        assertThat(maps.prompt().token(7).role()).isEqualTo(TokenRole.PADDING);
        assertThat(maps.provider()).isEqualTo("CPU");
        assertThat(maps.timings()).containsOnlyKeys("preprocess", "imageEncoder", "textEncoder", "transformer",
                "readout");
        assertThat(maps.slices()).extracting(AttentionSlice::block).containsExactly(1, 2);
        for (AttentionSlice s : maps.slices()) {
            s.imageToText().requireShape("i2t", 1, 24, 8);
            s.textToText().requireShape("t2t", 1, 8, 8);
            for (int i = 0; i < 24; i++) {
                double sum = 0;
                for (int j = 0; j < 8; j++) {
                    float v = s.imageToText().get(0, i, j);
                    assertThat(v).isBetween(0f, 1f);
                    sum += v;
                }
                assertThat(sum).as("image rows sum below 1: the rest went to image keys").isLessThan(1.0 + 1e-5)
                        .isGreaterThan(0.0);
            }
        }
    }

    @Test
    void unpaddedModelRunsEachPromptAtItsOwnLength() throws IOException {
        Path b = copy("tiny");
        ObjectNode m = Fixture.manifest(b);
        ((ObjectNode) m.get("textEncoder")).put("padding", "none");
        Fixture.writeManifest(b, m);
        RgbImage img = image(32, 32, 3);
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(b, "cpu")) {
            assertThat(x.tokenizer().paddingToken()).isNull();
            TokenizedPrompt shortPrompt = prompt(x, "the pink dog");
            int k = shortPrompt.size();
            assertThat(k).isLessThan(8);
            AttentionMaps first = x.extract(ExtractionRequest.of(img, shortPrompt));
            assertThat(first.prompt()).isEqualTo(shortPrompt);
            assertThat(first.prompt().tokens()).extracting(Token::role).doesNotContain(TokenRole.PADDING);
            for (AttentionSlice s : first.slices()) {
                s.imageToText().requireShape("i2t", 1, 64, k);
                s.textToText().requireShape("t2t", 1, k, k);
                for (int i = 0; i < 64; i++) {
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        sum += s.imageToText().get(0, i, j);
                    }
                    assertThat(sum).isGreaterThan(0.0).isLessThan(1.0 + 1e-5);
                }
            }

            // A prompt that fills the text length feeds the graphs exactly what the padded bundle feeds them.
            String text = "the pink dog";
            while (prompt(x, text).size() < 8) {
                text += " a";
            }
            TokenizedPrompt full = prompt(x, text);
            assertThat(full.size()).isEqualTo(8);
            AttentionMaps unpadded = x.extract(ExtractionRequest.of(img, full));
            AttentionMaps padded = mean.extract(ExtractionRequest.of(img, prompt(mean, text)));
            for (int i = 0; i < padded.slices().size(); i++) {
                assertThat(unpadded.slices().get(i).imageToText().data())
                        .containsExactly(padded.slices().get(i).imageToText().data());
            }

            // The workspace's text tensors change shape between calls; the short prompt's maps are reproduced.
            AttentionMaps again = x.extract(ExtractionRequest.of(img, shortPrompt));
            assertThat(again.slices().get(0).imageToText().data())
                    .containsExactly(first.slices().get(0).imageToText().data());
            String tooLong = text + " a";
            assertThatThrownBy(() -> prompt(x, tooLong))
                    .isInstanceOf(PromptTooLongException.class).hasMessageContaining("8");
        }
    }

    @Test
    void unknownPaddingModeIsAModelErrorNamingIt() throws IOException {
        Path b = copy("tiny");
        ObjectNode m = Fixture.manifest(b);
        ((ObjectNode) m.get("textEncoder")).put("padding", "longest");
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("padding").hasMessageContaining("longest");

        ((ObjectNode) m.get("textEncoder")).put("padding", "none");
        ObjectNode txt = (ObjectNode) m.at("/transformer/inputs/txt");
        int width = txt.get("shape").get(2).asInt();
        txt.putArray("shape").add(1).add(8).add(width);
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("padding \"none\"").hasMessageContaining("[1, 8, ");
    }

    @Test
    void padModeKeepsTheAspectRatioAndReportsThePadding() throws IOException {
        Path b = copy("tiny");
        ObjectNode m = Fixture.manifest(b);
        ((ObjectNode) m.get("image")).put("resize", "pad");
        Fixture.writeManifest(b, m);
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(b, "cpu")) {
            AttentionMaps maps = x.extract(ExtractionRequest.of(image(50, 20, 1), prompt(x, "the pink dog")));
            // 50 -> 32 px, 20 * 0.64 = 12.8 -> 13 px, padded to 16 px: a 4 x 8 grid whose last row is mostly padding.
            ImageGeometry g = maps.geometry();
            assertThat(g).isEqualTo(ImageGeometry.resizedAndPadded(20, 50, 13, 32, 0, 0, 4, 4, 8));
            assertThat(g.gridY(19)).as("the bottom image row maps into the last grid row").isBetween(3.0, 13.0 / 4);
            assertThat(maps.slices().get(0).imageTokens()).isEqualTo(32);
        }
    }

    @Test
    void samplesTimestepsAndSeedsArePassMajorAndDeterministic() {
        RgbImage img = image(32, 32, 2);
        TokenizedPrompt p = prompt(perHead, "a red ball");
        SamplingOptions s = new SamplingOptions(List.of(0.25, 0.75), 2, 11L);
        AtomicInteger progress = new AtomicInteger();
        ExtractionRequest r = new ExtractionRequest(List.of(img), p, List.of(2, 1), true, false, s,
                (stage, done, total) -> {
                    assertThat(total).isEqualTo(4);
                    progress.incrementAndGet();
                });
        AttentionMaps a = perHead.extract(r);
        assertThat(progress.get()).isEqualTo(4);
        assertThat(a.slices()).hasSize(8);
        double[] times = {0.25, 0.75, 0.25, 0.75};
        for (int k = 0; k < 8; k++) {
            AttentionSlice sl = a.slices().get(k);
            assertThat(sl.sample()).isEqualTo(k / 2);
            assertThat(sl.block()).isEqualTo(k % 2 == 0 ? 2 : 1);
            assertThat(sl.timestep()).isEqualTo(times[k / 2]);
            assertThat(sl.heads()).isEqualTo(2);
            assertThat(sl.textToText()).isNull();
        }
        AttentionMaps again = perHead.extract(r);
        for (int k = 0; k < 8; k++) {
            assertThat(again.slices().get(k).imageToText().data()).isEqualTo(a.slices().get(k).imageToText().data());
        }
        // Pass 0 and 2 share t = 0.25 but use noise draws seed and seed + 1: different maps.
        assertThat(a.slices().get(4).imageToText().data()).isNotEqualTo(a.slices().get(0).imageToText().data());
        ExtractionRequest otherSeed = new ExtractionRequest(List.of(img), p, List.of(2, 1), true, false,
                new SamplingOptions(List.of(0.25, 0.75), 2, 12L), ProgressListener.NONE);
        AttentionMaps b = perHead.extract(otherSeed);
        // Seed 12's first draw is seed 11's second draw.
        assertThat(b.slices().get(0).imageToText().data()).isEqualTo(a.slices().get(4).imageToText().data());
    }

    @Test
    void headMeanOfAPerHeadExportEqualsTheMeanOfItsHeads() {
        RgbImage img = image(24, 36, 3);
        TokenizedPrompt p = prompt(perHead, "the dog");
        AttentionMaps heads = perHead.extract(request(img, p, List.of(1), true, false, SamplingOptions.DEFAULT));
        AttentionMaps avg = perHead.extract(request(img, p, List.of(1), false, false, SamplingOptions.DEFAULT));
        FloatTensor h = heads.slices().get(0).imageToText();
        FloatTensor m = avg.slices().get(0).imageToText();
        assertThat(m.dim(0)).isEqualTo(1);
        for (int i = 0; i < h.dim(1); i++) {
            for (int j = 0; j < h.dim(2); j++) {
                float expected = (h.get(0, i, j) + h.get(1, i, j)) / 2;
                assertThat(m.get(0, i, j)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    @Test
    void magnetsTakePositionsAfterTheExpression() {
        TokenizedPrompt p = prompt(mean, "dog");
        TokenizedPrompt withMagnets = new MagnetRedistributor(List.of("pink", "with"))
                .redistribute(p, mean.tokenizer());
        AttentionMaps maps = mean.extract(ExtractionRequest.of(image(16, 16, 4), withMagnets));
        assertThat(maps.prompt().tokens()).extracting(Token::text).containsExactly("dog", "</s>", "pink", "</s>",
                "with", "</s>", "<pad>", "<pad>");
        assertThat(maps.prompt().auxiliaryPositions()).containsExactly(2, 3, 4, 5);
    }

    @Test
    void refusalsNameTheOffendingValues() {
        RgbImage img = image(16, 16, 5);
        TokenizedPrompt p = prompt(mean, "a cat");
        assertThatThrownBy(() -> mean.extract(request(img, p, List.of(0), false, false, SamplingOptions.DEFAULT)))
                .isInstanceOf(RefAmException.class).hasMessageContaining("block 0").hasMessageContaining("[1, 2]");
        assertThatThrownBy(() -> mean.extract(request(img, p, List.of(1, 1), false, false, SamplingOptions.DEFAULT)))
                .isInstanceOf(RefAmException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> mean.extract(request(img, p, List.of(), true, false, SamplingOptions.DEFAULT)))
                .isInstanceOf(RefAmException.class).hasMessageContaining("--per-head");
        assertThatThrownBy(() -> mean.extract(new ExtractionRequest(List.of(img, img), p, List.of(), false, false,
                SamplingOptions.DEFAULT, ProgressListener.NONE)))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("2 frames");
        List<Token> tokens = mean.tokenizer().encode("a pink dog with a red ball on the left", 0, TokenRole.EXPRESSION);
        TokenizedPrompt tooLong = TokenizedPrompt.ofExpression("a pink dog with a red ball on the left", tokens);
        assertThatThrownBy(() -> mean.extract(ExtractionRequest.of(img, tooLong)))
                .isInstanceOf(PromptTooLongException.class).hasMessageContaining(tokens.size() + " tokens")
                .hasMessageContaining("8");
    }

    @Test
    void cancellationStopsBetweenPasses() {
        AtomicInteger done = new AtomicInteger();
        ProgressListener cancelAfterOne = new ProgressListener() {
            @Override
            public void progress(String stage, long d, long total) {
                done.set((int) d);
            }

            @Override
            public boolean isCancelled() {
                return done.get() >= 1;
            }
        };
        ExtractionRequest r = new ExtractionRequest(List.of(image(16, 16, 6)), prompt(mean, "cat"), List.of(), false,
                false, new SamplingOptions(List.of(0.2, 0.4, 0.6), 1, 0L), cancelAfterOne);
        assertThatThrownBy(() -> mean.extract(r)).isInstanceOf(CancelledException.class);
        assertThat(done.get()).isEqualTo(1);
        // The extractor stays usable.
        assertThat(mean.extract(ExtractionRequest.of(image(16, 16, 6), prompt(mean, "cat"))).slices()).hasSize(2);
    }

    @Test
    void fourThreadsGiveTheSequentialResults() throws Exception {
        List<ExtractionRequest> requests = new ArrayList<>();
        String[] texts = {"a pink dog", "the cat", "a red car", "the man on the left"};
        for (int i = 0; i < 8; i++) {
            requests.add(request(image(16 + 4 * i, 40 - 3 * i, i), prompt(perHead, texts[i % 4]), List.of(),
                    i % 2 == 0, true, new SamplingOptions(List.of(0.5), 1, i)));
        }
        List<AttentionMaps> sequential = new ArrayList<>();
        for (ExtractionRequest r : requests) {
            sequential.add(perHead.extract(r));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<AttentionMaps>> jobs = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (ExtractionRequest r : requests) {
                    jobs.add(() -> perHead.extract(r));
                }
            }
            List<Future<AttentionMaps>> results = pool.invokeAll(jobs);
            for (int k = 0; k < results.size(); k++) {
                AttentionMaps got = results.get(k).get();
                AttentionMaps want = sequential.get(k % requests.size());
                assertThat(got.geometry()).isEqualTo(want.geometry());
                for (int s = 0; s < want.slices().size(); s++) {
                    assertThat(got.slices().get(s).imageToText().data())
                            .isEqualTo(want.slices().get(s).imageToText().data());
                    assertThat(got.slices().get(s).textToText().data())
                            .isEqualTo(want.slices().get(s).textToText().data());
                }
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closeIsIdempotentAndEverythingAfterItFails() {
        OnnxAttentionExtractor x = OnnxAttentionExtractor.open(Fixture.load("tiny").bundle(), "cpu");
        TokenizedPrompt p = prompt(x, "a dog");
        var tok = x.tokenizer();
        x.close();
        x.close();
        assertThatThrownBy(() -> x.extract(ExtractionRequest.of(image(8, 8, 7), p)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(x::info).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(x::tokenizer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(x::executionProvider).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(x::bundle).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> x.extractAll(List.of(ExtractionRequest.of(image(8, 8, 7), p))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tok.encode("dog", 0, TokenRole.EXPRESSION)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWaitsForExtractionsInFlight() throws Exception {
        OnnxAttentionExtractor x = OnnxAttentionExtractor.open(Fixture.load("tiny").bundle(), "cpu");
        TokenizedPrompt p = prompt(x, "a dog");
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<AttentionMaps> running = pool.submit(() -> x.extract(new ExtractionRequest(
                    List.of(image(32, 32, 8)), p, List.of(), false, true,
                    new SamplingOptions(java.util.Collections.nCopies(200, 0.5), 1, 0L),
                    (stage, done, total) -> started.countDown())));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            x.close();
            assertThat(running.get().slices()).as("the call in flight completed before the sessions closed")
                    .hasSize(400);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void providerIsFoundByNameWithItsPriorityAndValidatesProperties() {
        AttentionExtractorProvider provider = ServiceLoader.load(AttentionExtractorProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(pr -> pr.name().equals("onnx")).findFirst().orElseThrow();
        assertThat(provider.priority()).isGreaterThan(0);
        assertThat(provider.description()).contains("refam-onnx");
        ExtractorOptions base = ExtractorOptions.builder().model(Fixture.load("tiny").bundle()).device("cpu").build();
        try (var x = provider.open(base.toBuilder().property("workspaces", "1").property("intraOpThreads", "1")
                .build())) {
            assertThat(x.info().name()).isEqualTo("refam-fixture-tiny");
        }
        assertThatThrownBy(() -> provider.open(base.toBuilder().property("threads", "2").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads")
                .hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> provider.open(base.toBuilder().property("workspaces", "0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspaces");
        // without a model folder the provider opens the model embedded in the jar
        try (var x = provider.open(ExtractorOptions.builder().device("cpu").build())) {
            assertThat(x.info().name()).isEqualTo(EmbeddedModel.NAME);
        }
    }

    // ------------------------------------------------------------------------------------------- broken bundles

    private Path copy(String name) throws IOException {
        return Fixture.load(name).copyBundle(tmp);
    }

    @Test
    void corruptGraphWithMatchingChecksumIsAModelErrorNamingTheGraph() throws IOException {
        Path b = copy("tiny");
        Path f = b.resolve("transformer.onnx");
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        Fixture.relist(b, "transformer.onnx");
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("transformer").hasMessageContaining("transformer.onnx");
    }

    @Test
    void checksumIsVerifiedBeforeAnySessionAndCanBeSkipped() throws IOException {
        Path b = copy("tiny");
        Path f = b.resolve("transformer.onnx");
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), bytes.length));
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("checksum mismatch").hasMessageContaining("transformer.onnx");
        ExtractorOptions skip = ExtractorOptions.builder().model(b).device("cpu")
                .property("verifyChecksums", "false").build();
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(skip)).isInstanceOf(ModelException.class)
                .hasMessageContaining("cannot load the transformer graph");
    }

    @Test
    void misnamedOutputIsAModelErrorListingTheGraphOutputs() throws IOException {
        Path b = copy("tiny");
        ObjectNode m = Fixture.manifest(b);
        ((ObjectNode) m.get("transformer").get("outputs").get("attnImg2Txt")).put("name", "attn_i2t");
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("attn_i2t").hasMessageContaining("attn_img2txt");
    }

    @Test
    void missingOutputIsAModelError() throws IOException {
        Path b = copy("tiny");
        ObjectNode m = Fixture.manifest(b);
        ((ObjectNode) m.get("textEncoder").get("outputs").get("hidden")).put("name", "encoder_out");
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("textEncoder").hasMessageContaining("encoder_out")
                .hasMessageContaining("last_hidden_state");
    }

    @Test
    void declaredShapeThatDisagreesWithTheManifestIsAModelError() throws IOException {
        Path b = copy("tiny");
        ObjectNode m = Fixture.manifest(b);
        // The manifest claims one exported block; the graph declares two rows.
        ((ObjectNode) m.get("transformer").get("attention")).set("blocks", Fixture.JSON.valueToTree(List.of(2)));
        ((ObjectNode) m.get("transformer").get("attention")).set("defaultBlocks", Fixture.JSON.valueToTree(List.of(2)));
        ((ObjectNode) m.get("transformer").get("outputs").get("attnImg2Txt")).set("shape",
                Fixture.JSON.valueToTree(List.of(1, "N", "T")));
        ((ObjectNode) m.get("transformer").get("outputs").get("attnTxt2Txt")).set("shape",
                Fixture.JSON.valueToTree(List.of(1, "T", "T")));
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("attn_img2txt").hasMessageContaining("[1, N, T]")
                .hasMessageContaining("[2, -1, -1]");
    }

    @Test
    void actualShapeThatDisagreesWithTheManifestIsAModelErrorAtRunTime() throws IOException {
        Path b = copy("tiny");
        ObjectNode m = Fixture.manifest(b);
        // The manifest claims 8-pixel cells; the graph patchifies 4-pixel cells, so it returns 4x the tokens.
        ((ObjectNode) m.get("imageEncoder")).put("cellPixels", 8);
        ((ObjectNode) m.get("image")).put("sizeMultiple", 8);
        Fixture.writeManifest(b, m);
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(b, "cpu")) {
            assertThatThrownBy(() -> x.extract(ExtractionRequest.of(image(32, 32, 9), prompt(x, "dog"))))
                    .isInstanceOf(ModelException.class).hasMessageContaining("tokens")
                    .hasMessageContaining("[1, 16, 48]").hasMessageContaining("[1, 64, 48]");
        }
    }

    @Test
    void missingOrMalformedTokenizerIsAModelError() throws IOException {
        Path b = copy("tiny");
        Files.writeString(b.resolve("tokenizer.json"), "{\"model\": 42}");
        Fixture.relist(b, "tokenizer.json");
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("tokenizer.json");
        ObjectNode m = Fixture.manifest(b);
        ((ObjectNode) m.get("textEncoder")).putNull("tokenizer");
        Fixture.writeManifest(b, m);
        assertThatThrownBy(() -> OnnxAttentionExtractor.open(b, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("textEncoder.tokenizer");
    }
}
