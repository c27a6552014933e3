package org.refam.onnx.sam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.refam.api.GroundingResult;
import org.refam.api.Mask;
import org.refam.api.PointPrompt;
import org.refam.api.RgbImage;
import org.refam.core.RefAM;
import org.refam.core.RefAMConfig;
import org.refam.core.fixture.PlantedAttentionExtractor;

/** Embedding cache, concurrency, close semantics, and use from the RefAM pipeline. */
class SegmenterLifecycleTest {
    private static final List<PointPrompt> CLICK = List.of(new PointPrompt(20, 10, true));

    @Test
    void severalPromptsOnOneImageEncodeItOnce() {
        try (SamSegmenter sam = SamSegmenter.open(TinyModels.sam1(), "cpu")) {
            RgbImage img = TinyModels.noise(64, 48, 1);
            sam.segment(img, CLICK);
            sam.segment(img, List.of(new PointPrompt(5, 5, true)));
            sam.segment(img, List.of(new PointPrompt(40, 30, true), new PointPrompt(41, 31, false)));
            assertThat(sam.encoderRuns()).isEqualTo(1);
            // equal pixels in another array: same content key
            sam.segment(new RgbImage(64, 48, img.rgb().clone()), CLICK);
            assertThat(sam.encoderRuns()).isEqualTo(1);
            // one changed byte: a new embedding
            byte[] changed = img.rgb().clone();
            changed[7] ^= 1;
            sam.segment(new RgbImage(64, 48, changed), CLICK);
            assertThat(sam.encoderRuns()).isEqualTo(2);
        }
    }

    @Test
    void theCacheIsBoundedLeastRecentlyUsed() {
        try (Sam2Segmenter sam2 = Sam2Segmenter.builder().folder(TinyModels.sam2()).device("cpu").cacheSize(2)
                .open()) {
            RgbImage a = TinyModels.noise(32, 24, 1);
            RgbImage b = TinyModels.noise(32, 24, 2);
            RgbImage c = TinyModels.noise(32, 24, 3);
            sam2.segment(a, CLICK);
            sam2.segment(b, CLICK);
            sam2.segment(a, CLICK); // a is now the most recent
            assertThat(sam2.encoderRuns()).isEqualTo(2);
            sam2.segment(c, CLICK); // evicts b
            sam2.segment(a, CLICK);
            assertThat(sam2.encoderRuns()).isEqualTo(3);
            sam2.segment(b, CLICK);
            assertThat(sam2.encoderRuns()).isEqualTo(4);
        }
    }

    @Test
    void cacheSizeZeroEncodesEveryTime() {
        try (SamSegmenter sam = SamSegmenter.builder().folder(TinyModels.sam1()).device("cpu").cacheSize(0).open()) {
            RgbImage img = TinyModels.noise(32, 24, 1);
            sam.segment(img, CLICK);
            sam.segment(img, CLICK);
            assertThat(sam.encoderRuns()).isEqualTo(2);
        }
        assertThatThrownBy(() -> SamSegmenter.builder().cacheSize(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void concurrentCallsOnOneImageShareOneEncoding() throws Exception {
        try (SamSegmenter sam = SamSegmenter.open(TinyModels.sam1(), "cpu")) {
            RgbImage img = TinyModels.noise(64, 48, 9);
            Mask reference = sam.segment(TinyModels.noise(64, 48, 10), CLICK); // warm up on another image
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Mask>> futures = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return sam.segment(img, CLICK);
                    }));
                }
                start.countDown();
                for (Future<Mask> f : futures) {
                    assertThat(f.get(60, TimeUnit.SECONDS).data()).isEqualTo(reference.data());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(sam.encoderRuns()).isEqualTo(2);
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        SamSegmenter sam = SamSegmenter.open(TinyModels.sam1(), "cpu");
        RgbImage img = TinyModels.noise(32, 24, 1);
        sam.segment(img, CLICK);
        sam.close();
        sam.close();
        assertThat(sam.toString()).contains("closed");
        assertThatThrownBy(() -> sam.segment(img, CLICK)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        Sam2Segmenter sam2 = Sam2Segmenter.open(TinyModels.sam2(), "cpu");
        sam2.close();
        sam2.close();
        assertThatThrownBy(() -> sam2.segment(img, CLICK)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Sam2Segmenter is closed");
    }

    @Test
    void refAmEncodesOneImageOnceForSeveralExpressionsAndMasksAtThePeak() {
        PlantedAttentionExtractor fixture = PlantedAttentionExtractor.create();
        assertThat(RefAMConfig.defaults().segmenter()).as("the built-in threshold mask is the default").isNull();
        try (SamSegmenter sam = SamSegmenter.open(TinyModels.sam1(), "cpu")) {
            RefAM refam = new RefAM(fixture, RefAMConfig.defaults().toBuilder().segmenter(sam).build());
            RgbImage image = TinyModels.noise(96, 64, 5);
            List<GroundingResult> results = refam.groundAll(image,
                    List.of("the red ball", "the dog on the right", "a cup at the bottom"));
            assertThat(sam.encoderRuns()).isEqualTo(1);
            for (GroundingResult r : results) {
                assertThat(r.mask().width()).isEqualTo(96);
                assertThat(r.mask().height()).isEqualTo(64);
                assertThat(r.mask().get(r.peak().x(), r.peak().y())).as(r.expression()).isTrue();
            }
        }
    }
}
