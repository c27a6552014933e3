package org.refam.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.refam.api.AttentionExtractor;
import org.refam.api.BlockSinks;
import org.refam.api.GroundingResult;
import org.refam.api.RgbImage;
import org.refam.api.Sink;
import org.refam.api.Token;
import org.refam.api.TokenDecision;
import org.refam.core.Backends;
import org.refam.core.RefAM;
import org.refam.core.image.Images;
import org.refam.core.image.Overlays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ground}: finds the object an expression refers to in an image and writes {@code overlay.png} (heat map
 * and peak), {@code mask.png} and {@code result.json} (point, score, tokens kept and filtered, sinks per block,
 * provider, timings), then prints a one-line summary.
 *
 * <p>Thread-safety: not thread-safe; picocli creates one instance per parse.
 */
@Command(name = "ground", mixinStandardHelpOptions = true,
        description = "Ground a referring expression in an image: overlay.png, mask.png and result.json.")
final class GroundCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--image", required = true, paramLabel = "IMG", description = "Image file (PNG, JPEG, ...).")
    Path image;

    @Option(names = "--text", required = true, paramLabel = "EXPR", description = "The referring expression.")
    String text;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws IOException {
        RgbImage img = Images.read(image);
        GroundingResult r;
        try (AttentionExtractor extractor = Backends.openExtractor(pipeline.backend, pipeline.extractorOptions());
             PipelineOptions.SegmenterHolder seg = pipeline.openSegmenter()) {
            r = new RefAM(extractor, pipeline.config(false).toBuilder().segmenter(seg.segmenter).build())
                    .ground(img, text);
        }
        Files.createDirectories(out);
        Path overlay = out.resolve("overlay.png");
        Path mask = out.resolve("mask.png");
        Overlays.writePng(Overlays.heatMapOverlay(img, r.imageHeatMap(), r.peak(), 0.6f), overlay);
        Overlays.writePng(Overlays.maskImage(r.mask()), mask);
        Path json = out.resolve("result.json");
        writeJson(json, describe(r, img));
        spec.commandLine().getOut().printf("'%s' -> point (%d, %d) score %.4g, mask %d px, %d/%d tokens kept, "
                        + "%d sinks, %s, %d ms; wrote %s, %s, %s%n", r.expression(), r.peak().x(), r.peak().y(),
                r.peakScore(), r.mask().area(), r.selection().keptPositions().length, r.prompt().size(),
                r.sinks().stream().mapToInt(s -> s.sinks().size()).sum(), r.provider(), r.totalTime().toMillis(),
                overlay, mask, json);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The JSON document of a result (also used by other commands). */
    static Map<String, Object> describe(GroundingResult r, RgbImage img) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expression", r.expression());
        m.put("magnets", r.prompt().magnets());
        m.put("image", obj("width", img.width(), "height", img.height()));
        m.put("point", obj("x", r.peak().x(), "y", r.peak().y()));
        m.put("score", r.peakScore());
        m.put("maskArea", r.mask().area());
        m.put("grid", obj("height", r.gridHeatMap().height(), "width", r.gridHeatMap().width()));
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (TokenDecision d : r.selection().decisions()) {
            Token t = r.prompt().token(d.position());
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("position", d.position());
            tm.put("text", t.text());
            tm.put("id", t.id());
            tm.put("role", t.role().name());
            tm.put("segment", t.segment());
            tm.put("kept", d.kept());
            tm.put("reason", d.reason().name());
            tokens.add(tm);
        }
        m.put("tokens", tokens);
        m.put("truncatedTokens", r.prompt().truncatedTokens());
        List<Map<String, Object>> sinks = new ArrayList<>();
        for (BlockSinks b : r.sinks()) {
            if (b.sinks().isEmpty()) {
                continue;
            }
            List<Map<String, Object>> found = new ArrayList<>();
            for (Sink s : b.sinks()) {
                found.add(obj("position", s.position(), "token", r.prompt().token(s.position()).text(),
                        "strength", s.strength(), "variation", s.variation()));
            }
            sinks.add(obj("sample", b.sample(), "block", b.block(), "action", b.action().name(), "sinks", found));
        }
        m.put("sinks", sinks);
        m.put("provider", r.provider());
        Map<String, Double> timings = new LinkedHashMap<>();
        r.timings().forEach((k, v) -> timings.put(k, v.toNanos() / 1e6));
        m.put("timingsMs", timings);
        return m;
    }

    /** An insertion-ordered JSON object from alternating keys and values. */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static void writeJson(Path file, Object doc) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
