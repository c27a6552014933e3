package org.refam.eval;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The numbers the RefAM paper reports (method.md section 3), in percent, for printing next to an evaluation's own.
 * The paper reports oIoU only for the RefCOCO family, and J&F, J, F and point accuracy (the "all components" row of its
 * ablation) for Ref-DAVIS17; every other cell is absent.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class PaperNumbers {
    /** Ref-DAVIS17, RefAM + SAM2: J&F. */
    public static final double REF_DAVIS_JF = 57.6;
    /** Ref-DAVIS17, RefAM + SAM2: J. */
    public static final double REF_DAVIS_J = 54.5;
    /** Ref-DAVIS17, RefAM + SAM2: F. */
    public static final double REF_DAVIS_F = 60.6;
    /** Ref-DAVIS17 point accuracy with all components (ablation table). */
    public static final double REF_DAVIS_PA = 68.9;

    private static final Map<String, Double> OIOU = Map.of(
            "refcoco/val", 46.91, "refcoco/testa", 52.30, "refcoco/testb", 43.88,
            "refcoco+/val", 38.57, "refcoco+/testa", 42.66, "refcoco+/testb", 34.90,
            "refcocog/val", 45.53, "refcocog/test", 44.45);

    private PaperNumbers() {
    }

    /**
     * The paper's zero-shot oIoU of RefAM on a RefCOCO-family split, in percent.
     *
     * @param dataset {@code refcoco}, {@code refcoco+} or {@code refcocog} (case-insensitive)
     * @param split {@code val}, {@code testA}, {@code testB} or {@code test} (case-insensitive)
     * @return the number, or empty when the paper has none for that split (train, RefCOCOg google splits, ...)
     */
    public static OptionalDouble oIoU(String dataset, String split) {
        Double v = OIOU.get(dataset.toLowerCase(Locale.ROOT) + "/" + split.toLowerCase(Locale.ROOT));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
