package org.refam.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.refam.api.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model bundle embedded in this jar ({@code models/refam-tiny} of the source tree, packaged under
 * {@value #RESOURCE_ROOT}): the default when no model folder is given. ONNX Runtime and the tokenizer load from
 * files, so the bundle is copied once into a cache folder named after the manifest's digest
 * ({@code -Drefam.cache.dir}, default {@code ${java.io.tmpdir}/refam-models}); a copy that is already there is
 * reused, and the extractor verifies every checksum before use as for any bundle. Nothing is downloaded.
 *
 * <p>Thread-safety: thread-safe; concurrent first uses extract into separate temporary folders and the first
 * atomic rename wins.
 */
final class EmbeddedModel {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedModel.class);
    static final String RESOURCE_ROOT = "org/refam/onnx/models/refam-tiny/";
    static final String NAME = "refam-tiny";

    private EmbeddedModel() {
    }

    /** True when the jar carries the embedded bundle. */
    static boolean present() {
        return EmbeddedModel.class.getClassLoader().getResource(RESOURCE_ROOT + ModelBundle.MANIFEST) != null;
    }

    /**
     * The folder holding the embedded bundle, extracting it first when needed.
     *
     * @throws ModelException if the jar has no embedded bundle or it cannot be extracted
     */
    static Path folder() {
        byte[] manifest = read(ModelBundle.MANIFEST);
        if (manifest == null) {
            throw new ModelException("no model folder was given and this refam-onnx jar carries no embedded model ("
                    + RESOURCE_ROOT + ModelBundle.MANIFEST + " is missing): set ExtractorOptions.model(...) to a model "
                    + "bundle folder (see docs/model-bundle.md)");
        }
        Path cache = Path.of(System.getProperty("refam.cache.dir",
                Path.of(System.getProperty("java.io.tmpdir"), "refam-models").toString()));
        Path target = cache.resolve(NAME + "-" + sha256(manifest).substring(0, 16));
        if (Files.isRegularFile(target.resolve(ModelBundle.MANIFEST))) {
            return target;
        }
        try {
            Files.createDirectories(cache);
            Path tmp = Files.createTempDirectory(cache, NAME + "-extract-");
            for (String file : files(manifest)) {
                byte[] bytes = read(file);
                if (bytes == null) {
                    throw new ModelException("the embedded model's manifest names " + file
                            + " but the jar does not carry it under " + RESOURCE_ROOT);
                }
                Files.write(tmp.resolve(file), bytes);
            }
            Files.write(tmp.resolve(ModelBundle.MANIFEST), manifest);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
                     | java.nio.file.DirectoryNotEmptyException e) {
                if (!Files.isRegularFile(target.resolve(ModelBundle.MANIFEST))) {
                    throw e;
                }
                LOG.debug("another process extracted {} first", target);
            }
            LOG.info("extracted the embedded model {} to {}", NAME, target);
            return target;
        } catch (IOException e) {
            throw new ModelException("cannot extract the embedded model to " + target + ": " + e, e);
        }
    }

    private static List<String> files(byte[] manifest) throws IOException {
        JsonNode root = new ObjectMapper().readTree(manifest);
        List<String> out = new ArrayList<>();
        for (JsonNode f : root.path("files")) {
            String path = f.path("path").asText("");
            if (path.isEmpty() || path.contains("/") || path.contains("\\") || path.startsWith(".")) {
                throw new ModelException("the embedded model's manifest names an unusable file path '" + path + "'");
            }
            out.add(path);
        }
        return out;
    }

    private static byte[] read(String name) {
        try (InputStream in = EmbeddedModel.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException("cannot read the embedded model file " + name + ": " + e, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
