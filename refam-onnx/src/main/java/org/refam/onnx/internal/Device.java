package org.refam.onnx.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.Locale;
import org.refam.api.DeviceUnavailableException;
import org.slf4j.Logger;

/**
 * A parsed device request, {@code auto} (CUDA device 0 when it starts, else the CPU), {@code cpu} or
 * {@code cuda[:N]}, and the one place that decides where the ONNX Runtime graphs of this module run: the attention
 * extractor ({@code org.refam.onnx}) and the SAM segmenters ({@code org.refam.onnx.sam}) open their sessions
 * through {@link #open}.
 *
 * <p>Internal: public only so that both packages of refam-onnx share one implementation; not a supported API and
 * may change without notice. Users pass device names as strings ({@code ExtractorOptions.device},
 * {@code SegmenterBuilder.device}).
 *
 * <p>Thread-safety: immutable; {@link #open} is as thread-safe as the opener it is given.
 *
 * @param auto true for {@code auto}
 * @param cudaId the CUDA device to try, or -1 for the CPU only
 */
public record Device(boolean auto, int cudaId) {
    /** The CPU only. */
    public static final Device CPU = new Device(false, -1);

    /** What a user gets told when CUDA cannot start. */
    public static final String CUDA_HINT = "the CUDA execution provider needs the GPU build of ONNX Runtime "
            + "(com.microsoft.onnxruntime:onnxruntime_gpu instead of onnxruntime, never both: build with -Pgpu or swap "
            + "the dependency, see docs/onnx-backend.md), CUDA 12 and cuDNN 9 on the library path, and an NVIDIA GPU "
            + "with that index; use device 'cpu', or 'auto' to fall back to the CPU";

    /**
     * Parses {@code auto}, {@code cpu}, {@code cuda} (device 0) or {@code cuda:N} (N of 1 to 4 digits), ignoring
     * case and surrounding blanks; null means {@code auto}.
     *
     * @throws IllegalArgumentException for any other name, quoting it
     */
    public static Device parse(String device) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("auto")) {
            return new Device(true, 0);
        }
        if (d.equals("cpu")) {
            return CPU;
        }
        if (d.equals("cuda")) {
            return new Device(false, 0);
        }
        if (d.matches("cuda:\\d{1,4}")) {
            return new Device(false, Integer.parseInt(d.substring(5)));
        }
        throw new IllegalArgumentException("device must be auto, cpu or cuda:N, got '" + device + "'");
    }

    /** Whether CUDA is tried first ({@code auto} and {@code cuda[:N]}). */
    public boolean wantsCuda() {
        return cudaId >= 0;
    }

    /** The device name in lower case: {@code cpu} or {@code cuda:N}. */
    public String label() {
        return wantsCuda() ? "cuda:" + cudaId : "cpu";
    }

    /** The name reported as the execution provider: {@code CPU} or {@code CUDA:N}. */
    public String providerName() {
        return wantsCuda() ? "CUDA:" + cudaId : "CPU";
    }

    /**
     * Adds the CUDA execution provider to {@code opts} when this device wants CUDA; nothing for the CPU.
     *
     * @throws CudaFailure if ONNX Runtime cannot add it (CPU build, no driver, no such GPU)
     */
    public void configure(OrtSession.SessionOptions opts) throws CudaFailure {
        if (wantsCuda()) {
            try {
                opts.addCUDA(cudaId);
            } catch (OrtException | RuntimeException | LinkageError e) {
                throw new CudaFailure(String.valueOf(e.getMessage()), e);
            }
        }
    }

    /**
     * Opens something on this device. The CPU opens on the CPU. An explicit {@code cuda[:N]} opens with CUDA or
     * fails with a {@link DeviceUnavailableException} carrying the cause and {@link #CUDA_HINT}. {@code auto}
     * tries CUDA and, when that fails, logs one line on {@code log} saying why (a warning with the GPU build of
     * ONNX Runtime, info with the CPU build) and opens on the CPU.
     *
     * @param what what is opened, for messages ("SAM2", a model bundle name)
     * @param log the caller's logger, for the fall-back line
     * @param opener opens on the device it is given ({@link #CPU} or a CUDA device) and throws {@link CudaFailure}
     *     when CUDA is the problem
     * @throws DeviceUnavailableException if {@code cuda[:N]} was requested explicitly and cannot start
     */
    public <T> T open(String what, Logger log, Opener<T> opener) {
        if (!wantsCuda()) {
            return onCpu(opener);
        }
        Device cuda = new Device(false, cudaId);
        try {
            return opener.open(cuda);
        } catch (CudaFailure f) {
            if (!auto) {
                throw new DeviceUnavailableException("device " + label() + " cannot be used for " + what + ": "
                        + f.getMessage() + "; " + CUDA_HINT, f.getCause());
            }
            if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                log.warn("device auto: CUDA is not usable ({}); running {} on the CPU", f.getMessage(), what);
            } else {
                log.info("device auto: CUDA is not usable ({}; this is the CPU build of ONNX Runtime); running {} on "
                        + "the CPU", f.getMessage(), what);
            }
            return onCpu(opener);
        }
    }

    private static <T> T onCpu(Opener<T> opener) {
        try {
            return opener.open(CPU);
        } catch (CudaFailure f) {
            throw new IllegalStateException("CUDA failure reported on the CPU path", f);
        }
    }

    /**
     * Opens something on one concrete device.
     *
     * @param <T> what is opened
     */
    @FunctionalInterface
    public interface Opener<T> {
        /**
         * Opens on {@code device} ({@link #CPU} or {@code cuda:N}, never {@code auto}).
         *
         * @throws CudaFailure when CUDA, not the model, is why opening failed
         */
        T open(Device device) throws CudaFailure;
    }

    /** CUDA could not start; the message says why, the cause is ONNX Runtime's error. */
    public static final class CudaFailure extends Exception {
        private static final long serialVersionUID = 1L;

        /** A failure with its reason and ONNX Runtime's error. */
        public CudaFailure(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
