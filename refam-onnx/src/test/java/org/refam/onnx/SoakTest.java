package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.refam.api.AttentionMaps;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.ProgressListener;
import org.refam.api.RgbImage;
import org.refam.api.SamplingOptions;
import org.refam.api.TokenizedPrompt;
import org.refam.core.text.Prompts;

/**
 * 1,000 extractions on the tiny bundle (varied image sizes, 2 threads sharing one pooled workspace, so workspaces
 * are also created and freed) keep the process's resident memory flat after a warm-up, and the JVM's direct-buffer
 * pool (where the pinned tensors live) does not grow at all. Linux only (reads /proc/self/status).
 */
class SoakTest {
    /** Allowed RSS growth after warm-up: JIT code, heap pages and allocator slack, far below a per-call leak. */
    static final long RSS_BOUND_BYTES = 24L << 20;

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    static BufferPoolMXBean direct() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
    }

    @Test
    void residentMemoryStaysFlatOverAThousandExtractions() throws Exception {
        if (!Files.isReadable(Path.of("/proc/self/status"))) {
            return;
        }
        ExtractorOptions o = ExtractorOptions.builder().model(Fixture.load("tiny").bundle()).device("cpu")
                .property("workspaces", "1").property("intraOpThreads", "1").build();
        try (OnnxAttentionExtractor x = OnnxAttentionExtractor.open(o)) {
            TokenizedPrompt p = Prompts.expression("a pink dog", x.tokenizer(), false);
            List<ExtractionRequest> requests = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RgbImage img = OnnxAttentionExtractorTest.image(20 + 5 * i, 36 - 4 * i, i);
                requests.add(new ExtractionRequest(List.of(img), p, List.of(), false, true,
                        new SamplingOptions(List.of(0.5), 1, i), ProgressListener.NONE));
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                run(x, pool, requests, 200);
                System.gc();
                long rss0 = rssBytes();
                long direct0 = direct().getMemoryUsed();
                long count0 = direct().getCount();
                run(x, pool, requests, 1000);
                System.gc();
                long rss1 = rssBytes();
                assertThat(rss1 - rss0).as("RSS growth over 1,000 extractions (from %d MB)", rss0 >> 20)
                        .isLessThan(RSS_BOUND_BYTES);
                // Direct memory is freed explicitly; without GC help the pool holds at most the two callers' buffers.
                assertThat(direct().getMemoryUsed()).as("direct buffer bytes").isLessThanOrEqualTo(2 * direct0);
                assertThat(direct().getCount()).as("direct buffers").isLessThanOrEqualTo(2 * count0);
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    private static void run(OnnxAttentionExtractor x, ExecutorService pool, List<ExtractionRequest> requests,
                            int count) throws Exception {
        List<Future<AttentionMaps>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ExtractionRequest r = requests.get(i % requests.size());
            futures.add(pool.submit(() -> x.extract(r)));
        }
        for (Future<AttentionMaps> f : futures) {
            assertThat(f.get().slices()).hasSize(2);
        }
    }
}
