package org.refam.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The plain-lines progress for logs: throttling by tenths and by time, the ETA, the single final line. */
class ProgressOutputTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private ProgressOutput.Lines lines(long total) {
        return new ProgressOutput.Lines("eval", total, new PrintWriter(text), nanos::get);
    }

    private List<String> printed() {
        return text.toString().lines().toList();
    }

    @Test
    void atMostOneLinePerTenthWhenFastAndTheFinalLineOnce() {
        try (ProgressOutput.Lines p = lines(1000)) {
            for (int done = 0; done <= 1000; done++) {
                p.progress("evaluate", done, 1000);
                nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        List<String> out = printed();
        assertThat(out).hasSize(11).allMatch(l -> l.startsWith("eval: ")).noneMatch(l -> l.contains("\r"));
        assertThat(out.get(0)).startsWith("eval: 0/1000 (0%)");
        assertThat(out.get(4)).startsWith("eval: 400/1000 (40%), 100.00/s, ETA 0:00:06");
        assertThat(out.get(10)).startsWith("eval: 1000/1000 (100%)").contains("done in 0:00:10")
                .doesNotContain("ETA");
    }

    @Test
    void aSlowRunPrintsAtLeastEveryThirtySeconds() {
        try (ProgressOutput.Lines p = lines(1000)) {
            p.progress("evaluate", 0, 1000);
            for (int done = 1; done <= 5; done++) {
                nanos.addAndGet(ProgressOutput.LINE_INTERVAL.toNanos() / 2);
                p.progress("evaluate", done, 1000);
            }
        }
        // start, after 30 s (done 2), after 60 s (done 4), and the final line at close (done 5)
        assertThat(printed()).extracting(l -> l.substring(0, l.indexOf(" ("))).containsExactly(
                "eval: 0/1000", "eval: 2/1000", "eval: 4/1000", "eval: 5/1000");
        assertThat(printed().get(3)).contains("done in 0:01:15");
    }

    @Test
    void resumedSamplesDoNotCountForTheRate() {
        try (ProgressOutput.Lines p = lines(100)) {
            p.progress("evaluate", 90, 100);
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));
            p.progress("evaluate", 95, 100);
        }
        assertThat(printed()).hasSize(2);
        assertThat(printed().get(1)).startsWith("eval: 95/100 (95%), 1.00/s, done in 0:00:05");
    }

    @Test
    void nothingIsPrintedWithoutProgress() {
        lines(10).close();
        assertThat(text.toString()).isEmpty();
    }
}
