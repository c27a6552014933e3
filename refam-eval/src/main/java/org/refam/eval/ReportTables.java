package org.refam.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.refam.core.metrics.MetricsSummary;
import org.refam.eval.metrics.AnnotatorScores;
import org.refam.eval.metrics.RunScores;
import org.refam.eval.metrics.UnsupervisedSummary;
import org.refam.eval.metrics.VideoSummary;

/**
 * Markdown tables of evaluation results in the paper's layout (method.md section 3): oIoU, mIoU, PA for images;
 * J&F, J, F (and PA) for video; with the paper's numbers in a row below where it reports them. Scores are printed in
 * percent with two decimals; a missing number is an em dash.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class ReportTables {
    private static final String NONE = "\u2014";

    private ReportTables() {
    }

    /**
     * The image table of one split.
     *
     * @param title the first header cell ("RefCOCO val")
     * @param paperOIoU the paper's oIoU in percent, or empty
     */
    public static String image(String title, ImageReport r, OptionalDouble paperOIoU) {
        MetricsSummary m = r.metrics();
        StringBuilder b = new StringBuilder();
        row(b, title, "samples", "skipped", "oIoU", "mIoU", "PA");
        row(b, "---", "---:", "---:", "---:", "---:", "---:");
        row(b, "this run", Long.toString(r.evaluated()), Long.toString(r.skippedSamples()), pct(m.oIoU()),
                pct(m.mIoU()), pct(m.pointAccuracy()));
        row(b, "RefAM (paper)", "", "", paperOIoU.isPresent() ? num(paperOIoU.getAsDouble()) : NONE, NONE, NONE);
        return b.toString();
    }

    /** The row label of the protocol's scores in {@link #video}. */
    public static final String PROTOCOL_ROW = "ReferFormer / DAVIS-2017 unsupervised protocol";

    /**
     * The video table: J&F, J, F, PA for the run (each expression scored on its own; averaged over annotators, then
     * per annotator), then J&F, J, F under the protocol of the published numbers ({@link #PROTOCOL_ROW}: runs merged
     * into label maps, DAVIS 2017 unsupervised matching; its sample column counts matched ground-truth objects over
     * all runs, and sequence runs left out are named in the label), per run, and the paper's numbers.
     */
    public static String video(String title, VideoReport r) {
        VideoSummary s = r.metrics();
        StringBuilder b = new StringBuilder();
        row(b, title, "samples", "skipped", "J&F", "J", "F", "PA");
        row(b, "---", "---:", "---:", "---:", "---:", "---:", "---:");
        row(b, "this run", Long.toString(r.evaluated()), Long.toString(r.skippedSamples()), pct(s.jf()), pct(s.j()),
                pct(s.f()), pct(s.pointAccuracy()));
        for (Map.Entry<Integer, AnnotatorScores> e : s.perAnnotator().entrySet()) {
            AnnotatorScores a = e.getValue();
            row(b, "  annotator " + e.getKey(), Long.toString(a.count()), "", pct(a.jf()), pct(a.j()), pct(a.f()),
                    "");
        }
        UnsupervisedSummary p = r.protocol();
        row(b, PROTOCOL_ROW + (p.leftOut() == 0 ? "" : " (" + p.leftOut() + " sequence runs left out)"),
                Long.toString(p.objects()), "", pct(p.jf()), pct(p.j()), pct(p.f()), "");
        for (Map.Entry<Integer, RunScores> e : p.perRun().entrySet()) {
            RunScores a = e.getValue();
            row(b, "  run " + e.getKey(), Long.toString(a.objects()), "", pct(a.jf()), pct(a.j()), pct(a.f()), "");
        }
        row(b, "RefAM + SAM2 (paper)", "", "", num(PaperNumbers.REF_DAVIS_JF), num(PaperNumbers.REF_DAVIS_J),
                num(PaperNumbers.REF_DAVIS_F), num(PaperNumbers.REF_DAVIS_PA));
        return b.toString();
    }

    /** The ablation table: one row per configuration, in the map's order. */
    public static String ablation(String title, Map<String, ImageReport> reports) {
        StringBuilder b = new StringBuilder();
        row(b, title, "samples", "PA", "mIoU", "oIoU", "Prec@0.5");
        row(b, "---", "---:", "---:", "---:", "---:", "---:");
        for (Map.Entry<String, ImageReport> e : reports.entrySet()) {
            MetricsSummary m = e.getValue().metrics();
            row(b, e.getKey(), Long.toString(e.getValue().evaluated()), pct(m.pointAccuracy()), pct(m.mIoU()),
                    pct(m.oIoU()), pct(m.count() == 0 ? Double.NaN : m.precisionAt(0.5)));
        }
        return b.toString();
    }

    /** A list of the skips, at most {@code max} lines and a count of the rest. */
    public static String skips(List<Skip> skips, int max) {
        if (skips.isEmpty()) {
            return "";
        }
        long samples = skips.stream().mapToLong(Skip::samples).sum();
        StringBuilder b = new StringBuilder("Skipped " + samples + " samples (" + skips.size() + " problems):\n");
        for (int i = 0; i < Math.min(max, skips.size()); i++) {
            b.append("- ").append(skips.get(i).describe()).append('\n');
        }
        if (skips.size() > max) {
            b.append("- ... and ").append(skips.size() - max).append(" more (see the results file)\n");
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String... cells) {
        b.append('|');
        for (String c : cells) {
            b.append(' ').append(c).append(" |");
        }
        b.append('\n');
    }

    /** A ratio in [0, 1] as a percentage with two decimals. */
    static String pct(double ratio) {
        return Double.isNaN(ratio) ? NONE : String.format(Locale.ROOT, "%.2f", 100 * ratio);
    }

    private static String num(double percent) {
        return String.format(Locale.ROOT, "%.2f", percent);
    }
}
