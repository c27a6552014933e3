package org.refam.bench;

/**
 * JVM flags of the benchmark forks: every benchmark runs once with the scalar kernels and once, in its own JVM,
 * with the {@code jdk.incubator.vector} kernels ({@code -Drefam.kernels=...}, see
 * {@code org.refam.core.kernel.AttentionKernels}). Both add the vector module, which the bandwidth baseline
 * ({@link ReadBaseline}) needs; the property alone picks the kernels.
 */
final class Forks {
    static final String SCALAR = "-Drefam.kernels=scalar";
    static final String ADD_VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    static final String PANAMA = "-Drefam.kernels=panama";
    /** Room for the largest inputs (24 heads x 4096 x 512 floats = 201 MB, plus the same again as baseline). */
    static final String HEAP_MIN = "-Xms2g";
    static final String HEAP_MAX = "-Xmx6g";

    private Forks() {
    }
}
