package org.refam.onnx;

import java.util.Locale;

/**
 * A parsed device request: {@code auto} (CUDA device 0 when it starts, else the CPU), {@code cpu}, or
 * {@code cuda[:N]}.
 *
 * @param auto true for {@code auto}
 * @param cudaId the CUDA device to try, or -1 for the CPU only
 *
 * <p>Thread-safety: immutable.
 */
record Device(boolean auto, int cudaId) {
    /** What a user gets told when CUDA cannot start. */
    static final String CUDA_HINT = "the CUDA execution provider needs the GPU build of ONNX Runtime "
            + "(com.microsoft.onnxruntime:onnxruntime_gpu instead of onnxruntime, never both: build with -Pgpu or swap "
            + "the dependency, see docs/onnx-backend.md), CUDA 12 and cuDNN 9 on the library path, and an NVIDIA GPU "
            + "with that index; use device 'cpu', or 'auto' to fall back to the CPU";

    static Device parse(String device) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("auto")) {
            return new Device(true, 0);
        }
        if (d.equals("cpu")) {
            return new Device(false, -1);
        }
        if (d.equals("cuda")) {
            return new Device(false, 0);
        }
        if (d.matches("cuda:\\d{1,4}")) {
            return new Device(false, Integer.parseInt(d.substring(5)));
        }
        throw new IllegalArgumentException("device must be auto, cpu or cuda:N, got '" + device + "'");
    }

    boolean wantsCuda() {
        return cudaId >= 0;
    }

    /** The name reported as the execution provider when this device runs the model. */
    String providerName() {
        return wantsCuda() ? "CUDA:" + cudaId : "CPU";
    }
}
