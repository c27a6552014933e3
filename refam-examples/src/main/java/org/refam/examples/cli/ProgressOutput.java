package org.refam.examples.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.refam.api.ProgressListener;

/**
 * Progress of a long command on stderr: done/total, rate and ETA, counted from the first report (samples resumed
 * from an earlier run do not count for the rate). On a terminal it is a bar redrawn in place with carriage returns;
 * elsewhere (a CI log, {@code 2> file}) it is plain lines, at most one per tenth of the total or per
 * {@link #LINE_INTERVAL}, plus the final line, so logs stay readable.
 *
 * <p>Thread-safety: not thread-safe; one instance per run, reported to from the thread doing the work.
 */
abstract class ProgressOutput implements ProgressListener, AutoCloseable {
    /** The longest a plain-lines log stays silent while work goes on. */
    static final Duration LINE_INTERVAL = Duration.ofSeconds(30);

    /** How progress is shown: {@code auto} picks {@code bar} on a terminal and {@code lines} elsewhere. */
    enum Mode {
        AUTO, BAR, LINES;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Progress of {@code task} (at least {@code total} units; a larger total reported by the work wins) on
     * {@code err}, shown as {@code mode} says.
     */
    static ProgressOutput open(Mode mode, String task, long total, PrintWriter err) {
        boolean bar = mode == Mode.BAR || mode == Mode.AUTO && stderrIsTerminal();
        return bar ? new Bar(task, total, err) : new Lines(task, total, err, System::nanoTime);
    }

    /** Ends the output: the bar's last frame and a newline, or the final line if it was not printed yet. */
    @Override
    public abstract void close();

    /**
     * Whether the JVM runs on a terminal: {@link System#console()} exists (before Java 22 only when standard input
     * and output are both terminals) and, on Java 22 and later, says it is one ({@code Console.isTerminal()}).
     */
    static boolean stderrIsTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(c));
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** A bar redrawn in place ({@code '\r'} frames), for terminals. */
    static final class Bar extends ProgressOutput {
        private final String task;
        private final long total;
        private final PrintWriter err;
        private ProgressBar bar;

        Bar(String task, long total, PrintWriter err) {
            this.task = task;
            this.total = total;
            this.err = err;
        }

        @Override
        public void progress(String stage, long done, long t) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(t, total))
                        .setStyle(ProgressBarStyle.ASCII).startsFrom(done, Duration.ZERO).showSpeed()
                        .setUpdateIntervalMillis(500)
                        .setConsumer(new DelegatingProgressBarConsumer(line -> {
                            err.print('\r' + line);
                            err.flush();
                        }, 100))
                        .build();
            }
            bar.stepTo(done);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
                err.println();
                err.flush();
            }
        }
    }

    /**
     * Plain lines, for logs: {@code eval: 40/100 (40%), 2.5/s, ETA 0:00:24}; the first report, every further tenth
     * of the total, at least every {@link #LINE_INTERVAL}, and the final line with the elapsed time.
     */
    static final class Lines extends ProgressOutput {
        private final String task;
        private final long minTotal;
        private final PrintWriter err;
        private final LongSupplier nanoTime;
        private long total = -1;
        private long startDone;
        private long startNanos;
        private long done;
        private long printedDone = -1;
        private long printedNanos;
        private boolean finished;

        /** @param nanoTime the clock, {@link System#nanoTime} outside tests */
        Lines(String task, long total, PrintWriter err, LongSupplier nanoTime) {
            this.task = task;
            this.minTotal = total;
            this.err = err;
            this.nanoTime = nanoTime;
        }

        @Override
        public void progress(String stage, long done, long t) {
            long now = nanoTime.getAsLong();
            if (total < 0) {
                total = Math.max(t, minTotal);
                startDone = done;
                startNanos = now;
                this.done = done;
                print(now, false);
                return;
            }
            this.done = done;
            if (total > 0 && done >= total) {
                print(now, true);
            } else if (tenth(done) > tenth(printedDone) || now - printedNanos >= LINE_INTERVAL.toNanos()) {
                print(now, false);
            }
        }

        @Override
        public void close() {
            if (total >= 0 && !finished) {
                print(nanoTime.getAsLong(), true);
            }
        }

        /** Which tenth of the total {@code n} is in (0 to 10); 0 when the total is unknown. */
        private long tenth(long n) {
            return total > 0 ? Math.min(10, n * 10 / total) : 0;
        }

        private void print(long now, boolean last) {
            if (finished) {
                return;
            }
            double seconds = (now - startNanos) / 1e9;
            double rate = seconds > 0 ? (done - startDone) / seconds : Double.NaN;
            StringBuilder sb = new StringBuilder(task).append(": ").append(done);
            if (total > 0) {
                sb.append('/').append(total).append(" (").append(done * 100 / total).append("%)");
            }
            if (rate > 0) {
                sb.append(String.format(Locale.ROOT, ", %.2f/s", rate));
            }
            if (last) {
                sb.append(", done in ").append(clock(seconds));
            } else if (rate > 0 && total > done) {
                sb.append(", ETA ").append(clock((total - done) / rate));
            }
            err.println(sb);
            err.flush();
            printedDone = done;
            printedNanos = now;
            finished = last;
        }

        /** {@code H:MM:SS}. */
        private static String clock(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
    }
}
