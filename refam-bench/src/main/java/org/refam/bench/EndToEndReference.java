package org.refam.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.refam.api.AttentionMaps;
import org.refam.api.AttentionSlice;
import org.refam.api.BlockSinks;
import org.refam.api.FloatTensor;
import org.refam.api.GroundingResult;
import org.refam.api.RgbImage;
import org.refam.api.Sink;
import org.refam.api.TokenizedPrompt;
import org.refam.core.RefAM;
import org.refam.core.RefAMConfig;
import org.refam.onnx.OnnxAttentionExtractor;

/**
 * Writes what the Java pipeline computes for the end-to-end benchmark's input, so that
 * {@code tools/bench/e2e_pytorch.py --check} can show that PyTorch runs the same computation: the image bytes, the
 * prompt's token ids, the head-mean image-to-text and text-to-text attention of every exported block (one pass,
 * the default sampling) and the result of {@link RefAM#ground} with {@link RefAMConfig#defaults()} (grid heat map,
 * peak, score, mask size, kept tokens, sinks).
 *
 * <p>With a second argument {@code CALLS > 0} it also grounds the expression {@code CALLS} times after as many
 * warm-up calls (one ONNX Runtime thread) and writes the mean of every stage timing that {@link GroundingResult}
 * reports, in milliseconds ({@code "stages"}): where the time goes, for the report. JMH's numbers
 * ({@link EndToEndBench}) are the latency; these are only the split.
 *
 * <p>Usage: {@code java -cp refam-bench/target/benchmarks.jar org.refam.bench.EndToEndReference OUT.json [CALLS]}
 *
 * <p>Thread-safety: a command-line entry point; not meant to be shared.
 */
public final class EndToEndReference {
    private EndToEndReference() {
    }

    /**
     * @param args the JSON file to write, optionally the number of calls for the stage timings
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: EndToEndReference OUT.json [CALLS]");
            System.exit(2);
        }
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        RgbImage image = EndToEndWorkload.image();
        RefAMConfig config = RefAMConfig.defaults();
        try (OnnxAttentionExtractor x = EndToEndWorkload.open(1)) {
            List<Integer> all = x.info().reportableBlocks();
            AttentionMaps maps = x.extract(EndToEndWorkload.request(x, config, image, all));
            GroundingResult r = new RefAM(x, config).ground(image, EndToEndWorkload.EXPRESSION);
            StringBuilder j = new StringBuilder("{\n");
            field(j, "expression", quote(EndToEndWorkload.EXPRESSION));
            field(j, "provider", quote(maps.provider()));
            int[] rgb = new int[image.rgb().length];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = image.rgb()[i] & 0xff;
            }
            field(j, "rgb", ints(rgb));
            TokenizedPrompt p = maps.prompt();
            int[] ids = new int[p.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = p.token(i).id();
            }
            field(j, "ids", ints(ids));
            field(j, "defaultBlocks", ints(x.info().defaultBlocks().stream().mapToInt(Integer::intValue).toArray()));
            field(j, "blocks", ints(all.stream().mapToInt(Integer::intValue).toArray()));
            StringBuilder i2t = new StringBuilder("[");
            StringBuilder t2t = new StringBuilder("[");
            for (AttentionSlice s : maps.slices()) {
                if (i2t.length() > 1) {
                    i2t.append(',');
                    t2t.append(',');
                }
                i2t.append(floats(contiguous(s.imageToText())));
                t2t.append(floats(contiguous(s.textToText())));
            }
            field(j, "img2txt", i2t.append(']').toString());
            field(j, "txt2txt", t2t.append(']').toString());
            field(j, "grid", floats(r.gridHeatMap().values()));
            field(j, "peak", ints(new int[] {r.peak().x(), r.peak().y()}));
            field(j, "peakScore", Double.toString(r.peakScore()));
            field(j, "maskPixels", Long.toString(r.mask().area()));
            field(j, "kept", ints(r.selection().keptPositions()));
            StringBuilder sinks = new StringBuilder("[");
            for (BlockSinks b : r.sinks()) {
                for (Sink s : b.sinks()) {
                    sinks.append(sinks.length() > 1 ? "," : "").append(s.position());
                }
            }
            j.append("  \"sinks\": ").append(sinks.append(']'));
            if (calls > 0) {
                j.append(",\n  \"stages\": ").append(stages(new RefAM(x, config), image, calls));
            }
            j.append("\n}\n");
            Files.writeString(Path.of(args[0]), j.toString(), StandardCharsets.UTF_8);
            System.out.println("wrote " + args[0] + ": peak " + r.peak() + ", kept " + r.selection().keptPositions().length
                    + " tokens, " + maps.slices().size() + " blocks");
        }
    }

    /** Mean of each stage timing over {@code calls} groundings after {@code calls} warm-up calls, as JSON. */
    private static String stages(RefAM refam, RgbImage image, int calls) {
        for (int i = 0; i < calls; i++) {
            refam.ground(image, EndToEndWorkload.EXPRESSION);
        }
        Map<String, Long> sum = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            refam.ground(image, EndToEndWorkload.EXPRESSION).timings()
                    .forEach((k, v) -> sum.merge(k, v.toNanos(), Long::sum));
        }
        long wall = System.nanoTime() - t0;
        StringBuilder b = new StringBuilder("{\"calls\": ").append(calls).append(", \"wall\": ")
                .append(String.format(Locale.ROOT, "%.4f", wall / 1e6 / calls));
        sum.forEach((k, v) -> b.append(", ").append(quote(k)).append(": ")
                .append(String.format(Locale.ROOT, "%.4f", v / 1e6 / calls)));
        return b.append('}').toString();
    }

    private static float[] contiguous(FloatTensor t) {
        if (t.isContiguous() && t.offset() == 0 && t.data().length == t.size()) {
            return t.data();
        }
        float[] out = new float[(int) t.size()];
        int[] shape = t.shape();
        int rows = (int) (t.size() / shape[shape.length - 1]);
        int cols = shape[shape.length - 1];
        int[] index = new int[shape.length];
        for (int r = 0; r < rows; r++) {
            int rest = r;
            for (int a = shape.length - 2; a >= 0; a--) {
                index[a] = rest % shape[a];
                rest /= shape[a];
            }
            for (int c = 0; c < cols; c++) {
                index[shape.length - 1] = c;
                out[r * cols + c] = t.get(index);
            }
        }
        return out;
    }

    private static void field(StringBuilder j, String name, String value) {
        j.append("  \"").append(name).append("\": ").append(value).append(",\n");
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String ints(int[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i > 0 ? "," : "").append(v[i]);
        }
        return b.append(']').toString();
    }

    private static String floats(float[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.9g", v[i]));
        }
        return b.append(']').toString();
    }
}
