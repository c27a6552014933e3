package org.refam.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.refam.api.ModelException;
import org.refam.api.RefAmException;
import org.refam.onnx.ModelBundle.TensorSpec;

/**
 * One ONNX graph of a bundle and its session, checked against the manifest when opened: every manifest input
 * and output must exist in the graph under its name, with its element type and rank, and every size the graph
 * fixes must equal the manifest's. Runs write into caller-owned (pinned) output tensors; when a run fails because
 * an output came out with another shape than expected, the graph is run once more without pinning to name the
 * output, the expected and the actual shape.
 *
 * <p>Thread-safety: thread-safe (ONNX Runtime sessions accept concurrent runs); {@link #close()} must not race
 * with runs, which the extractor's lock guarantees.
 */
final class Graph implements AutoCloseable {
    private final String section;
    private final Path file;
    private final OrtSession session;
    private boolean closed;

    private Graph(String section, Path file, OrtSession session) {
        this.section = section;
        this.file = file;
        this.session = session;
    }

    /**
     * Creates the session and validates it.
     *
     * @throws OrtException if ONNX Runtime cannot create the session (corrupt file, unsupported operator, device
     *     failure); the caller decides whether it is a model or a device problem
     * @throws ModelException if the graph disagrees with the manifest (the session is closed first)
     */
    static Graph open(OrtEnvironment env, String section, Path file, OrtSession.SessionOptions options,
                      Collection<TensorSpec> inputs, Collection<TensorSpec> outputs) throws OrtException {
        OrtSession session = env.createSession(file.toString(), options);
        Graph g = new Graph(section, file, session);
        try {
            g.check("input", session.getInputInfo(), inputs);
            g.check("output", session.getOutputInfo(), outputs);
            return g;
        } catch (OrtException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    private void check(String kind, Map<String, NodeInfo> graph, Collection<TensorSpec> specs) {
        for (TensorSpec spec : specs) {
            NodeInfo node = graph.get(spec.name());
            if (node == null) {
                throw new ModelException(section + " " + kind + " '" + spec.name() + "' (manifest role " + spec.role()
                        + ") is not in the graph " + file.getFileName() + "; the graph's " + kind + "s are "
                        + new TreeSet<>(graph.keySet()));
            }
            if (!(node.getInfo() instanceof TensorInfo info)) {
                throw new ModelException(section + " " + kind + " '" + spec.name() + "' is not a tensor in the graph: "
                        + node.getInfo());
            }
            OnnxJavaType want = spec.dtype().equals("int64") ? OnnxJavaType.INT64 : OnnxJavaType.FLOAT;
            long[] shape = info.getShape();
            if (info.type != want || shape.length != spec.rank()) {
                throw new ModelException(section + " " + kind + " '" + spec.name() + "': manifest says " + spec.dtype()
                        + " " + spec.shape() + ", graph declares " + info.type + " " + Arrays.toString(shape));
            }
            for (int i = 0; i < shape.length; i++) {
                int fixed = spec.fixed(i);
                if (fixed > 0 && shape[i] > 0 && shape[i] != fixed) {
                    throw new ModelException(section + " " + kind + " '" + spec.name() + "': manifest shape "
                            + spec.shape() + ", graph declares " + Arrays.toString(shape) + " (axis " + i + ")");
                }
            }
        }
        if (kind.equals("input")) {
            Set<String> extra = new TreeSet<>(graph.keySet());
            specs.forEach(s -> extra.remove(s.name()));
            if (!extra.isEmpty()) {
                throw new ModelException(section + " graph " + file.getFileName() + " has inputs " + extra
                        + " that the manifest does not describe, so nothing would feed them");
            }
        }
    }

    /**
     * Runs the graph, ONNX Runtime writing every output of {@code outputs} into its pinned tensor (keys are tensor
     * names); outputs not named are not returned.
     *
     * @throws ModelException if an output's actual shape differs from its pinned tensor's
     * @throws RefAmException if ONNX Runtime fails otherwise
     */
    void run(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> outputs) {
        try (OrtSession.Result r = session.run(inputs, Set.of(), outputs)) {
            if (r.size() != outputs.size()) {
                throw new ModelException(section + " returned " + r.size() + " outputs, expected " + outputs.keySet());
            }
        } catch (OrtException e) {
            diagnose(inputs, outputs, e);
            throw new RefAmException("ONNX Runtime failed running the " + section + " graph " + file.getFileName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Re-runs without pinned outputs; throws {@link ModelException} when some output's shape is the culprit. */
    private void diagnose(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> outputs, OrtException cause) {
        Map<String, long[]> actual = new LinkedHashMap<>();
        try (OrtSession.Result r = session.run(inputs, outputs.keySet())) {
            for (Map.Entry<String, OnnxValue> e : r) {
                if (e.getValue().getInfo() instanceof TensorInfo ti) {
                    actual.put(e.getKey(), ti.getShape());
                }
            }
        } catch (OrtException | RuntimeException again) {
            return;
        }
        for (Map.Entry<String, OnnxTensor> e : outputs.entrySet()) {
            long[] expected = e.getValue().getInfo().getShape();
            long[] got = actual.get(e.getKey());
            if (got != null && !Arrays.equals(expected, got)) {
                throw new ModelException(section + " output '" + e.getKey() + "': expected shape "
                        + Arrays.toString(expected) + " (from the manifest and the request), the graph produced "
                        + Arrays.toString(got), cause);
            }
        }
    }

    /** The tensor names of the graph's outputs. */
    Set<String> outputNames() {
        return session.getOutputNames();
    }

    /** Closes the session once. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new RefAmException("ONNX Runtime failed closing the " + section + " session: "
                        + e.getMessage(), e);
            }
        }
    }
}
