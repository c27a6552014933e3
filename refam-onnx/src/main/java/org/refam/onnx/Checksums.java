package org.refam.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.refam.api.ModelException;

/**
 * Streaming SHA-256 of model files (several GB for FLUX): reads in 1 MiB chunks, never the whole file.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class Checksums {
    private static final int CHUNK = 1 << 20;

    private Checksums() {
    }

    /** Lower-case hex SHA-256 of {@code file}. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        byte[] buf = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Checks {@code file} against {@code expected} (hex, either case).
     *
     * @throws ModelException naming the file, the expected and the actual digest, or the I/O problem
     */
    static void verify(Path file, String expected) {
        String actual;
        try {
            actual = sha256(file);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + " to verify its SHA-256: " + e, e);
        }
        if (!actual.equalsIgnoreCase(expected)) {
            throw new ModelException("checksum mismatch for " + file + ": manifest SHA-256 " + expected.toLowerCase(
                    java.util.Locale.ROOT) + ", file SHA-256 " + actual + " (the file is corrupt, truncated or from "
                    + "another export)");
        }
    }
}
