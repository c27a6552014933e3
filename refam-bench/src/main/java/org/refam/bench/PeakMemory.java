package org.refam.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import org.refam.api.AttentionSlice;
import org.refam.api.TokenizedPrompt;

/**
 * Host memory of one grounding's post-processing: the attention an extractor hands over (every slice its own
 * array, as a real extractor returns them) and everything {@link PostProcessing#run()} allocates on top. Prints one
 * JSON object per line for {@code tools/bench/make_report.py}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.refam.bench.PeakMemory TEXT_TOKENS SAMPLES BLOCKS HEADS GRID_SIDE}.
 * The image is {@code 16 * GRID_SIDE} pixels square (FLUX: 16 px per token). The peak is bounded from above by the
 * live heap before the call (the slices) plus the bytes the call allocates (HotSpot's per-thread allocation
 * counter), which holds whatever the garbage collector does during the call.
 *
 * <p>Thread-safety: a command-line program.
 */
public final class PeakMemory {
    private PeakMemory() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: PeakMemory TEXT_TOKENS SAMPLES BLOCKS HEADS GRID_SIDE");
        }
        int textTokens = Integer.parseInt(args[0]);
        int samples = Integer.parseInt(args[1]);
        int blocks = Integer.parseInt(args[2]);
        int heads = Integer.parseInt(args[3]);
        int gridSide = Integer.parseInt(args[4]);
        int imageTokens = gridSide * gridSide;
        TokenizedPrompt prompt = Workloads.prompt(textTokens);
        List<AttentionSlice> slices = Workloads.slices(5, samples, blocks, heads, imageTokens, textTokens,
                Long.MAX_VALUE);
        long inputBytes = 4L * samples * blocks * heads * (imageTokens + textTokens) * textTokens;
        PostProcessing pipeline = new PostProcessing(prompt, Workloads.geometry(gridSide, 16 * gridSide), slices);

        long before = liveHeap();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long a0 = threads.getThreadAllocatedBytes(tid);
        PostProcessing.Result r = pipeline.run();
        long allocated = threads.getThreadAllocatedBytes(tid) - a0;

        System.out.printf(Locale.ROOT, "{\"textTokens\": %d, \"samples\": %d, \"blocks\": %d, \"heads\": %d, "
                        + "\"gridSide\": %d, \"imageTokens\": %d, \"imageSide\": %d, \"inputBytes\": %d, "
                        + "\"liveBeforeBytes\": %d, \"allocatedInCallBytes\": %d, \"peakUpperBoundBytes\": %d, "
                        + "\"kept\": %s, \"sinks\": %s, \"peak\": %d}%n",
                textTokens, samples, blocks, heads, gridSide, imageTokens, 16 * gridSide, inputBytes, before,
                allocated, before + allocated, java.util.Arrays.toString(r.kept()), r.sinks(), r.peak());
        // keep the slices reachable until the numbers are taken
        if (slices.isEmpty()) {
            throw new AssertionError();
        }
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
