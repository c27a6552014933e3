package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fixture case of the bundle's graphs (image encoder, text encoder, transformer at two grid sizes) run
 * through {@link Graph} with pinned, reused output buffers equals PyTorch to the fixture's tolerance.
 */
class GraphTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "tiny-perhead"})
    void pinnedRunsOfEveryBundleCaseMatchPyTorch(String name) throws Exception {
        Fixture fx = Fixture.load(name);
        ModelBundle bundle = ModelBundle.load(fx.bundle());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Graph> graphs = new HashMap<>();
        List<Slot> slots = new ArrayList<>();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.addConfigEntry("optimization.disable_specified_optimizers",
                    OnnxAttentionExtractor.DEFAULT_DISABLED_OPTIMIZERS);
            var tr = bundle.transformer();
            graphs.put("transformer.onnx", Graph.open(env, "transformer", tr.file(), opts, tr.inputs().values(),
                    tr.outputs().values()));
            var te = bundle.textEncoder();
            graphs.put("text_encoder.onnx", Graph.open(env, "textEncoder", te.file(), opts, List.of(te.inputIds()),
                    List.of(te.hidden())));
            var ie = bundle.imageEncoder();
            graphs.put("image_encoder.onnx", Graph.open(env, "imageEncoder", ie.file(), opts, List.of(ie.pixels()),
                    List.of(ie.tokens())));
            int checked = 0;
            for (JsonNode c : fx.json.get("cases")) {
                String graph = c.get("graph").asText();
                if (!graph.startsWith("bundle/")) {
                    continue;
                }
                Graph g = graphs.get(graph.substring("bundle/".length()));
                Map<String, OnnxTensor> in = new HashMap<>();
                for (var e : c.get("inputs").properties()) {
                    Fixture.Tensor t = fx.tensor(e.getValue().asText());
                    Slot s = new Slot(env, t.longs() != null);
                    slots.add(s);
                    in.put(e.getKey(), s.tensor(t.shape()));
                    if (t.longs() != null) {
                        s.longs().put(0, t.longs());
                    } else {
                        s.floats().put(0, t.floats());
                    }
                }
                Map<String, OnnxTensor> out = new HashMap<>();
                Map<String, Slot> outSlots = new HashMap<>();
                for (var e : c.get("outputs").properties()) {
                    Slot s = new Slot(env, false);
                    slots.add(s);
                    out.put(e.getKey(), s.tensor(fx.tensor(e.getValue().asText()).shape()));
                    outSlots.put(e.getKey(), s);
                }
                // Twice: the second run reuses the pinned buffers and must overwrite them identically.
                for (int run = 0; run < 2; run++) {
                    g.run(in, out);
                    for (var e : c.get("outputs").properties()) {
                        float[] want = fx.tensor(e.getValue().asText()).floats();
                        float[] got = new float[want.length];
                        outSlots.get(e.getKey()).floats().get(0, got);
                        double worst = 0;
                        for (int i = 0; i < want.length; i++) {
                            worst = Math.max(worst, Math.abs(want[i] - got[i]));
                        }
                        assertThat(worst).as("%s / %s", c.get("name").asText(), e.getKey())
                                .isLessThanOrEqualTo(fx.tolerance());
                    }
                }
                checked++;
            }
            assertThat(checked).as("bundle cases").isGreaterThanOrEqualTo(4);
        } finally {
            slots.forEach(Slot::close);
            graphs.values().forEach(Graph::close);
        }
    }
}
