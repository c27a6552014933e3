package org.refam.onnx.sam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.refam.api.DeviceUnavailableException;
import org.refam.api.ModelException;
import org.refam.onnx.internal.Device;
import org.refam.onnx.internal.Device.CudaFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening SAM encoder/decoder graphs with ONNX Runtime: device choice with the project's semantics, file checks
 * and interface validation against the expected tensor specs.
 *
 * <p>Devices, as for the attention extractor ({@link Device#open}): {@code cpu}; {@code cuda} / {@code cuda:N}
 * fails with a {@link DeviceUnavailableException} carrying the cause and a hint when CUDA cannot start; {@code auto}
 * tries CUDA device 0 and falls back to the CPU with one log line saying why.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class OrtModels {
    private static final Logger LOG = LoggerFactory.getLogger(OrtModels.class);

    /** A dimension that must be symbolic (dynamic) in the graph, because the caller varies it. */
    static final long DYNAMIC = -2;
    /** A dimension whose declared value is not checked. */
    static final long ANY = -1;

    private OrtModels() {
    }

    /** An expected float tensor: its name and dimensions ({@link #ANY}, {@link #DYNAMIC} or a size). */
    record Spec(String name, long... dims) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name).append(" [");
            for (int i = 0; i < dims.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(dims[i] == DYNAMIC ? "N" : dims[i] == ANY ? "?" : dims[i]);
            }
            return sb.append(']').toString();
        }
    }

    /** Encoder and decoder sessions opened together on one device. */
    record Pair(OrtSession encoder, OrtSession decoder, String device) {
        void close() {
            closeQuietly(encoder);
            closeQuietly(decoder);
        }
    }

    /** Sessions opened together on one device, in the order of their files. */
    record Sessions(List<OrtSession> sessions, String device) {
        OrtSession get(int i) {
            return sessions.get(i);
        }

        void close() {
            sessions.forEach(OrtModels::closeQuietly);
        }
    }

    /**
     * Opens both graphs on {@code device} ({@code auto}, {@code cpu}, {@code cuda[:N]}).
     *
     * @param what the model family for messages ("SAM", "SAM2")
     * @throws ModelException if a file is missing, unreadable or not a loadable ONNX graph
     * @throws DeviceUnavailableException if {@code cuda[:N]} was requested explicitly and cannot start
     */
    static Pair open(OrtEnvironment env, String what, Path encoder, Path decoder, String device, int intraOpThreads) {
        Sessions s = openAll(env, what, List.of("encoder", "decoder"), List.of(encoder, decoder), device,
                intraOpThreads);
        return new Pair(s.get(0), s.get(1), s.device());
    }

    /**
     * Opens the graphs {@code files} (one per role, for messages: "SAM2 " + role) together on {@code device}, with
     * the semantics of {@link #open}.
     */
    static Sessions openAll(OrtEnvironment env, String what, List<String> roles, List<Path> files, String device,
                            int intraOpThreads) {
        Device d = Device.parse(device);
        for (int i = 0; i < files.size(); i++) {
            checkFile(what + " " + roles.get(i), files.get(i));
        }
        return d.open(what, LOG, on -> openSessions(env, what, roles, files, on, intraOpThreads));
    }

    private static Sessions openSessions(OrtEnvironment env, String what, List<String> roles, List<Path> files,
                                         Device device, int intraOpThreads) throws CudaFailure {
        List<OrtSession> opened = new ArrayList<>();
        try (OrtSession.SessionOptions opts = options(intraOpThreads)) {
            device.configure(opts);
            for (int i = 0; i < files.size(); i++) {
                opened.add(session(env, what + " " + roles.get(i), files.get(i), opts, device.wantsCuda()));
            }
            return new Sessions(List.copyOf(opened), device.label());
        } catch (OrtException e) {
            opened.forEach(OrtModels::closeQuietly);
            throw new ModelException("cannot set up ONNX Runtime session options for " + what + ": "
                    + e.getMessage(), e);
        } catch (CudaFailure | RuntimeException e) {
            opened.forEach(OrtModels::closeQuietly);
            throw e;
        }
    }

    private static OrtSession.SessionOptions options(int intraOpThreads) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        try {
            opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (intraOpThreads > 0) {
                opts.setIntraOpNumThreads(intraOpThreads);
            }
            return opts;
        } catch (OrtException e) {
            opts.close();
            throw e;
        }
    }

    /**
     * Loads one graph. When loading fails with CUDA on, the file is tried on the CPU: success there blames the
     * device ({@link CudaFailure}), failure blames the file ({@link ModelException}).
     */
    private static OrtSession session(OrtEnvironment env, String role, Path file, OrtSession.SessionOptions opts,
                                      boolean cuda) throws CudaFailure {
        try {
            return env.createSession(file.toString(), opts);
        } catch (OrtException e) {
            if (cuda) {
                try (OrtSession.SessionOptions cpu = options(0)) {
                    env.createSession(file.toString(), cpu).close();
                    throw new CudaFailure("the " + role + " " + file + " loads on the CPU but not with CUDA: "
                            + e.getMessage(), e);
                } catch (OrtException onCpu) {
                    // the file itself is broken: report it as a model error below
                }
            }
            throw new ModelException("cannot load the " + role + " " + file + " (not a valid ONNX graph?): "
                    + e.getMessage(), e);
        }
    }

    private static void checkFile(String role, Path file) {
        if (file == null) {
            throw new ModelException("no " + role + " file given");
        }
        if (!Files.exists(file)) {
            throw new ModelException("the " + role + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException("the " + role + " file " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new ModelException("the " + role + " file " + file + " is not readable");
        }
    }

    static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException | RuntimeException e) {
                LOG.debug("closing an ONNX Runtime session failed", e);
            }
        }
    }

    /** Declared input shapes by name, in graph order. */
    static Map<String, TensorInfo> inputs(OrtSession s, String role, Path file) {
        try {
            return tensors(s.getInputInfo(), role, file, "input");
        } catch (OrtException e) {
            throw new ModelException("cannot read the inputs of the " + role + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Declared output shapes by name, in graph order. */
    static Map<String, TensorInfo> outputs(OrtSession s, String role, Path file) {
        try {
            return tensors(s.getOutputInfo(), role, file, "output");
        } catch (OrtException e) {
            throw new ModelException("cannot read the outputs of the " + role + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorInfo> tensors(Map<String, NodeInfo> nodes, String role, Path file, String kind) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (NodeInfo n : nodes.values()) {
            if (!(n.getInfo() instanceof TensorInfo)) {
                throw new ModelException("the " + role + " " + file + " has a non-tensor " + kind + " " + n.getName()
                        + " (" + n.getInfo() + ")");
            }
            out.put(n.getName(), (TensorInfo) n.getInfo());
        }
        return out;
    }

    /**
     * Checks that the graph declares exactly the {@code expected} inputs (by name, float, matching dimensions).
     *
     * @param export how the user gets a matching graph, appended to the message
     * @throws ModelException naming the file and every mismatch
     */
    static void requireInputs(Map<String, TensorInfo> declared, List<Spec> expected, String role, Path file,
                              String export) {
        List<String> problems = new ArrayList<>();
        Set<String> unexpected = new TreeSet<>(declared.keySet());
        for (Spec spec : expected) {
            unexpected.remove(spec.name());
            TensorInfo info = declared.get(spec.name());
            if (info == null) {
                problems.add("missing input " + spec.name());
            } else {
                check(info, spec, "input", problems);
            }
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected inputs " + unexpected);
        }
        fail(problems, declared, role, file, export, "inputs");
    }

    /**
     * Checks that each of {@code expected} is among the declared outputs with a matching shape; other outputs
     * are allowed (and ignored).
     */
    static void requireOutputs(Map<String, TensorInfo> declared, List<Spec> expected, String role, Path file,
                               String export) {
        List<String> problems = new ArrayList<>();
        for (Spec spec : expected) {
            TensorInfo info = declared.get(spec.name());
            if (info == null) {
                problems.add("missing output " + spec.name());
            } else {
                check(info, spec, "output", problems);
            }
        }
        fail(problems, declared, role, file, export, "outputs");
    }

    /** Adds the mismatches between {@code info} and {@code spec} to {@code problems}. */
    static void check(TensorInfo info, Spec spec, String kind, List<String> problems) {
        if (info.type != OnnxJavaType.FLOAT) {
            problems.add(kind + " " + spec.name() + " is " + info.type + ", expected FLOAT (float32)");
        }
        long[] shape = info.getShape();
        if (shape.length != spec.dims().length) {
            problems.add(kind + " " + spec.name() + " has shape " + Arrays.toString(shape) + ", expected " + spec);
            return;
        }
        for (int i = 0; i < shape.length; i++) {
            long want = spec.dims()[i];
            if (want == DYNAMIC && shape[i] >= 0) {
                problems.add(kind + " " + spec.name() + " has a fixed size " + shape[i] + " on axis " + i
                        + " (shape " + Arrays.toString(shape) + "), expected a dynamic axis: " + spec);
            } else if (want >= 0 && shape[i] >= 0 && shape[i] != want) {
                problems.add(kind + " " + spec.name() + " has shape " + Arrays.toString(shape) + ", expected " + spec);
                return;
            }
        }
    }

    private static void fail(List<String> problems, Map<String, TensorInfo> declared, String role, Path file,
                             String export, String kind) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("the ").append(role).append(' ').append(file)
                .append(" does not match ").append(export).append(": ").append(String.join("; ", problems))
                .append(" (the graph's ").append(kind).append(": ");
        boolean first = true;
        for (Map.Entry<String, TensorInfo> e : declared.entrySet()) {
            sb.append(first ? "" : ", ").append(e.getKey()).append(' ').append(Arrays.toString(e.getValue().getShape()));
            first = false;
        }
        throw new ModelException(sb.append(')').toString());
    }
}
