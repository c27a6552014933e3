package org.refam.onnx.sam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.refam.api.ModelException;

/**
 * The encoder and decoder files of a segmenter, given explicitly or found in a folder.
 *
 * <p>In a folder, {@code encoder.onnx} and {@code decoder.onnx} are used when present; otherwise the single
 * {@code *encoder*.onnx} and the single {@code *decoder*.onnx} (case-insensitive), which covers the names the
 * common exporters write ({@code sam_vit_b_01ec64.encoder.onnx}, {@code sam2_hiera_tiny.decoder.onnx}).
 *
 * @param encoder the image encoder graph
 * @param decoder the prompt encoder + mask decoder graph
 *
 * <p>Thread-safety: immutable.
 */
record ModelFiles(Path encoder, Path decoder) {
    static final String ENCODER = "encoder.onnx";
    static final String DECODER = "decoder.onnx";

    /**
     * Resolves the pair from the builder's settings: explicit files win over the folder's.
     *
     * @throws ModelException if the folder is missing, or holds no or several candidates for a role
     */
    static ModelFiles resolve(String what, Path folder, Path encoder, Path decoder) {
        if (encoder != null && decoder != null) {
            return new ModelFiles(encoder, decoder);
        }
        if (folder == null) {
            throw new ModelException("no " + what + " model given: set a folder holding " + ENCODER + " and "
                    + DECODER + ", or both files explicitly");
        }
        if (!Files.isDirectory(folder)) {
            throw new ModelException("the " + what + " model folder " + folder + " does not exist or is not a folder");
        }
        List<Path> onnx = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx"))
                    .filter(Files::isRegularFile).sorted().forEach(onnx::add);
        } catch (IOException e) {
            throw new ModelException("cannot list the " + what + " model folder " + folder + ": " + e, e);
        }
        return new ModelFiles(encoder != null ? encoder : pick(what, folder, onnx, "encoder"),
                decoder != null ? decoder : pick(what, folder, onnx, "decoder"));
    }

    private static Path pick(String what, Path folder, List<Path> onnx, String role) {
        Path exact = folder.resolve(role + ".onnx");
        if (Files.isRegularFile(exact)) {
            return exact;
        }
        List<Path> candidates = new ArrayList<>();
        for (Path p : onnx) {
            if (p.getFileName().toString().toLowerCase(Locale.ROOT).contains(role)) {
                candidates.add(p);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        List<String> names = new ArrayList<>();
        onnx.forEach(p -> names.add(p.getFileName().toString()));
        throw new ModelException("the " + what + " model folder " + folder + (candidates.isEmpty()
                ? " has no " + role + ".onnx nor any *" + role + "*.onnx"
                : " has several *" + role + "*.onnx files " + names(candidates) + "; name the " + role
                + " file explicitly") + " (.onnx files there: " + names + ")");
    }

    private static List<String> names(List<Path> paths) {
        List<String> out = new ArrayList<>();
        paths.forEach(p -> out.add(p.getFileName().toString()));
        return out;
    }
}
