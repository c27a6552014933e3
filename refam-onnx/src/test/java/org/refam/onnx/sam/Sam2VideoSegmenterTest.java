package org.refam.onnx.sam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.CancelledException;
import org.refam.api.ExtractorOptions;
import org.refam.api.InvalidImageException;
import org.refam.api.Mask;
import org.refam.api.ModelException;
import org.refam.api.PointPrompt;
import org.refam.api.ProgressListener;
import org.refam.api.PromptableSegmenter;
import org.refam.api.RgbImage;

/**
 * SAM2 propagation end to end on the tiny video graphs (tools/sam/make_tiny_sam.py, build_video): the tiny decoder
 * draws a disk at the click on frame 0; on later frames the tiny memory attention recalls the mask of the most
 * recent memory frame (by the temporal code the caller added), dilates it by two cells and keeps the green pixels of
 * the current frame, so a green object is tracked only when memory, positions and coordinates are fed right. Row 0
 * of fused_feat reports what memory attention received.
 */
class Sam2VideoSegmenterTest {
    /** make_tiny_sam.NUM_MASKMEM: rows of temporal_code (SAM2's num_maskmem). */
    private static final int NUM_MASKMEM = 7;
    private static Sam2VideoSegmenter video;

    @BeforeAll
    static void open() {
        video = Sam2VideoSegmenter.open(TinyModels.sam2Video(), "cpu");
    }

    @AfterAll
    static void close() {
        video.close();
    }

    /** A frame of {@code background} red with a green square of side {@code side} at (x0, y0). */
    static RgbImage squareFrame(int w, int h, int background, int x0, int y0, int side) {
        byte[] rgb = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = 3 * (y * w + x);
                boolean in = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
                rgb[p] = (byte) (in ? 0 : background);
                rgb[p + 1] = (byte) (in ? 255 : 0);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    static Mask square(int w, int h, int x0, int y0, int side) {
        boolean[] d = new boolean[w * h];
        for (int y = y0; y < Math.min(h, y0 + side); y++) {
            for (int x = Math.max(0, x0); x < Math.min(w, x0 + side); x++) {
                d[y * w + x] = true;
            }
        }
        return new Mask(h, w, d);
    }

    static double iou(Mask a, Mask b) {
        long inter = 0;
        long union = 0;
        for (int i = 0; i < a.data().length; i++) {
            inter += a.data()[i] && b.data()[i] ? 1 : 0;
            union += a.data()[i] || b.data()[i] ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    @Test
    void tracksAMovingObjectFromOneClick() {
        int w = 640;
        int h = 480;
        int side = 100;
        int step = 12; // 1.2 cells of the 64x64 grid per frame, within the tiny graph's 2-cell dilation
        int n = 10;
        List<Mask> masks = video.propagate(n, t -> squareFrame(w, h, 40, 150 + step * t, 190, side),
                List.of(new PointPrompt(200, 240, true)), ProgressListener.NONE);
        assertThat(masks).hasSize(n);
        // frame 0: the decoder's disk (semi-axes 72 * w / 1024 = 45 and 72 * h / 1024 = 33.75) on the click
        double[] c0 = TinyModels.centroid(masks.get(0));
        assertThat(c0[0]).isCloseTo(200, within(1.5));
        assertThat(c0[1]).isCloseTo(240, within(1.5));
        for (int t = 2; t < n; t++) {
            Mask truth = square(w, h, 150 + step * t, 190, side);
            assertThat(masks.get(t).height()).isEqualTo(h);
            assertThat(iou(masks.get(t), truth)).as("frame %d", t).isGreaterThan(0.8);
        }
        // the first-frame copy baseline would have lost it
        assertThat(iou(masks.get(0), square(w, h, 150 + step * (n - 1), 190, side))).isLessThan(0.3);
    }

    @Test
    void memoryHoldsTheConditioningFrameAndTheSixMostRecentFrames() {
        int n = 12;
        List<float[]> rows = new ArrayList<>();
        List<Integer> stepFrames = new ArrayList<>();
        video.propagate(n, t -> squareFrame(96, 64, 10 + 15 * t, 40, 20, 16), List.of(new PointPrompt(48, 28, true)),
                ProgressListener.NONE, (frame, slots, fused) -> {
                    stepFrames.add(frame);
                    float[] row = new float[5 * 64];
                    for (int c = 0; c < 5; c++) {
                        System.arraycopy(fused, c * 64 * 64, row, c * 64, 64); // channel c, grid row 0
                    }
                    rows.add(row);
                });
        assertThat(stepFrames).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        for (int i = 0; i < rows.size(); i++) {
            int k = stepFrames.get(i);
            // SAM2Base._prepare_memory_conditioned_features: frame 0 with t_pos 0, then frames k - t, t = 1..6
            List<Integer> frames = new ArrayList<>(List.of(0));
            List<Integer> tPos = new ArrayList<>(List.of(0));
            for (int t = 1; t < NUM_MASKMEM && k - t >= 1; t++) {
                frames.add(k - t);
                tPos.add(t);
            }
            float[] row = rows.get(i);
            for (int j = 0; j < 64; j++) {
                if (j < frames.size()) {
                    int red = 10 + 15 * frames.get(j);
                    // the memory frame's identity: its own pix_feat (red pool of the top-left block), not fused_feat
                    assertThat(row[j]).as("step %d slot %d frame", k, j)
                            .isCloseTo((red / 255f - 0.485f) / 0.229f, within(1e-3f));
                    // temporal_code row 7 - t_pos - 1 holds 7 - t_pos in the tiny encoder
                    assertThat(row[64 + j]).as("step %d slot %d t_pos", k, j)
                            .isCloseTo(NUM_MASKMEM - tPos.get(j), within(1e-5f));
                    // maskmem_pos_enc (channel 1 = token / 4096) kept under the temporal code, at the last token
                    assertThat(row[128 + j]).isCloseTo(4095f / 4096f, within(1e-6f));
                } else {
                    assertThat(row[j]).as("step %d slot %d", k, j).isZero();
                }
            }
            assertThat(row[192]).as("object pointers").isZero();
            assertThat(row[256]).as("current_vision_pos_embed[4095]").isCloseTo(4095f / 4096f, within(1e-6f));
        }
    }

    @Test
    void pointsAreMappedPerAxisOnFrameZeroAndInSingleImages() {
        for (int[] hw : TinyModels.awkwardSizes()) {
            int h = hw[0];
            int w = hw[1];
            int x = (int) (0.3 * w);
            int y = (int) (0.45 * h);
            RgbImage img = TinyModels.noise(w, h, 5);
            List<PointPrompt> click = List.of(new PointPrompt(x, y, true));
            Mask single = video.segment(img, click);
            Mask first = video.propagate(2, t -> img, click, ProgressListener.NONE).get(0);
            assertThat(first.data()).isEqualTo(single.data());
            double[] c = TinyModels.centroid(single);
            assertThat(c[0]).isCloseTo(x, within(Math.max(1.0, w / 512.0)));
            assertThat(c[1]).isCloseTo(y, within(Math.max(1.0, h / 512.0)));
            double expected = Math.PI * (TinyModels.SAM2_RADIUS * w / 1024) * (TinyModels.SAM2_RADIUS * h / 1024);
            assertThat((double) single.area()).isCloseTo(expected, within(0.06 * expected));
        }
    }

    @Test
    void cancellationStopsBetweenFramesAndLeavesTheSegmenterUsable() {
        AtomicInteger read = new AtomicInteger();
        List<Long> done = new ArrayList<>();
        ProgressListener cancelAfterTwo = new ProgressListener() {
            @Override
            public void progress(String stage, long d, long total) {
                assertThat(stage).isEqualTo(Sam2VideoSegmenter.STAGE);
                assertThat(total).isEqualTo(8);
                done.add(d);
            }

            @Override
            public boolean isCancelled() {
                return done.size() >= 2;
            }
        };
        assertThatThrownBy(() -> video.propagate(8, t -> {
            read.incrementAndGet();
            return TinyModels.noise(32, 24, t);
        }, List.of(new PointPrompt(16, 12, true)), cancelAfterTwo)).isInstanceOf(CancelledException.class)
                .hasMessageContaining(Sam2VideoSegmenter.STAGE);
        assertThat(done).containsExactly(1L, 2L);
        assertThat(read.get()).isEqualTo(2);
        assertThat(video.propagate(3, t -> TinyModels.noise(32, 24, t), List.of(new PointPrompt(16, 12, true)),
                ProgressListener.NONE)).hasSize(3);
    }

    @Test
    void badClipsAreRejectedWithTheOffendingValues() {
        List<PointPrompt> click = List.of(new PointPrompt(16, 12, true));
        assertThatThrownBy(() -> video.propagate(3, t -> TinyModels.noise(t == 2 ? 33 : 32, 24, t), click,
                ProgressListener.NONE)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("frame 2 is 33x24").hasMessageContaining("frame 0 is 32x24");
        assertThatThrownBy(() -> video.propagate(2, t -> t == 0 ? TinyModels.noise(32, 24, 0) : null, click,
                ProgressListener.NONE)).isInstanceOf(InvalidImageException.class).hasMessageContaining("frame 1");
        assertThatThrownBy(() -> video.propagate(0, t -> TinyModels.noise(32, 24, t), click, ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> video.propagate(2, t -> TinyModels.noise(32, 24, t),
                List.of(new PointPrompt(40, 12, true)), ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x 40.0");
        assertThatThrownBy(() -> video.propagate(2, t -> TinyModels.noise(32, 24, t), List.of(),
                ProgressListener.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        Sam2VideoSegmenter s = Sam2VideoSegmenter.open(TinyModels.sam2Video(), "cpu");
        assertThat(s.device()).isEqualTo("cpu");
        s.close();
        s.close();
        assertThat(s.toString()).contains("closed");
        assertThatThrownBy(() -> s.propagate(1, t -> TinyModels.noise(8, 8, 0), List.of(new PointPrompt(4, 4, true)),
                ProgressListener.NONE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.segment(TinyModels.noise(8, 8, 0), List.of(new PointPrompt(4, 4, true))))
                .isInstanceOf(IllegalStateException.class);
    }

    private static Path copyVideo(Path dir) throws IOException {
        for (String role : VideoModelFiles.ROLES) {
            Files.copy(TinyModels.sam2Video().resolve(role + ".onnx"), dir.resolve(role + ".onnx"));
        }
        return dir;
    }

    @Test
    void missingAmbiguousAndMismatchedGraphsNameTheFile(@TempDir Path dir) throws IOException {
        copyVideo(dir);
        Files.delete(dir.resolve("memory_encoder.onnx"));
        assertThat(Sam2VideoSegmenter.isVideoExport(dir)).isFalse();
        assertThatThrownBy(() -> Sam2VideoSegmenter.open(dir, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("no memory_encoder.onnx").hasMessageContaining(dir.toString());
        // the export's older names (image_encoder_tiny.onnx) resolve; two candidates without the exact name do not
        Files.copy(TinyModels.sam2Video().resolve("memory_encoder.onnx"), dir.resolve("memory_encoder_tiny.onnx"));
        try (Sam2VideoSegmenter s = Sam2VideoSegmenter.open(dir, "cpu")) {
            assertThat(s.toString()).contains(dir.toString());
        }
        Files.copy(TinyModels.sam2Video().resolve("memory_encoder.onnx"), dir.resolve("memory_encoder_lite.onnx"));
        assertThatThrownBy(() -> Sam2VideoSegmenter.open(dir, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("several memory_encoder*.onnx").hasMessageContaining("memory_encoder_lite.onnx");
        // an image decoder in place of memory attention: the file and the missing inputs are named
        Path other = Files.createDirectory(dir.resolve("other"));
        copyVideo(other);
        Path attention = other.resolve("memory_attention.onnx");
        Files.copy(TinyModels.resource("sam2/decoder.onnx"), attention, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Sam2VideoSegmenter.open(other, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining(attention.toString()).hasMessageContaining("missing input memory_1")
                .hasMessageContaining("unexpected inputs [has_mask_input");
        // the SAM2 image encoder lacks the video outputs
        Files.copy(TinyModels.sam2Video().resolve("memory_attention.onnx"), attention,
                StandardCopyOption.REPLACE_EXISTING);
        Path encoder = other.resolve("image_encoder.onnx");
        Files.copy(TinyModels.resource("sam2/encoder.onnx"), encoder, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Sam2VideoSegmenter.open(other, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining(encoder.toString()).hasMessageContaining("missing output current_vision_feat");
    }

    @Test
    void theSam2ProviderOpensTheVideoSegmenterForAVideoFolder() {
        ExtractorOptions cpu = ExtractorOptions.builder().device("cpu").build();
        try (PromptableSegmenter s = new SamSegmenterProvider.Sam2().open(cpu.toBuilder()
                .model(TinyModels.sam2Video()).build())) {
            assertThat(s).isInstanceOf(Sam2VideoSegmenter.class);
        }
        assertThat(Sam2VideoSegmenter.isVideoExport(TinyModels.sam2())).isFalse();
        assertThatThrownBy(() -> Sam2VideoSegmenter.builder().folder(TinyModels.sam2Video())
                .encoder(TinyModels.resource("sam2/encoder.onnx")).open())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("folder");
    }
}
