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
 * The four graphs of the SAM2 video export of {@code pagarcia/sam2-onnx-cpp} ({@code export/onnx_export.py}, its
 * "legacy" set), found in one folder.
 *
 * <p>Each role's file is {@code ROLE.onnx} when present, otherwise the single {@code ROLE*.onnx} (case-insensitive),
 * which covers the names the export has written over time ({@code image_encoder.onnx},
 * {@code image_encoder_tiny.onnx}). The exact name wins, so the export's specialised variants next to the legacy
 * files ({@code memory_attention_no_objptr.onnx}, {@code memory_encoder_lite.onnx}) are not picked.
 *
 * @param imageEncoder {@code image_encoder.onnx}
 * @param imageDecoder {@code image_decoder.onnx}
 * @param memoryAttention {@code memory_attention.onnx}
 * @param memoryEncoder {@code memory_encoder.onnx}
 *
 * <p>Thread-safety: immutable.
 */
record VideoModelFiles(Path imageEncoder, Path imageDecoder, Path memoryAttention, Path memoryEncoder) {
    /** The file roles, in the order of the record's components. */
    static final List<String> ROLES = List.of("image_encoder", "image_decoder", "memory_attention", "memory_encoder");

    List<Path> all() {
        return List.of(imageEncoder, imageDecoder, memoryAttention, memoryEncoder);
    }

    /** True when {@code folder} holds a file for each of the four roles (it may still be ambiguous or invalid). */
    static boolean present(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            return false;
        }
        List<String> names = names(folder);
        for (String role : ROLES) {
            if (names.stream().noneMatch(n -> matches(n, role))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Resolves the four files in {@code folder}.
     *
     * @throws ModelException if the folder is missing, or holds no or several candidates for a role (naming them)
     */
    static VideoModelFiles resolve(Path folder) {
        if (folder == null) {
            throw new ModelException("no SAM2 video model folder given: it must hold " + String.join(".onnx, ", ROLES)
                    + ".onnx (docs/segmenters.md)");
        }
        if (!Files.isDirectory(folder)) {
            throw new ModelException("the SAM2 video model folder " + folder + " does not exist or is not a folder");
        }
        List<String> names = names(folder);
        List<Path> picked = new ArrayList<>();
        for (String role : ROLES) {
            picked.add(pick(folder, names, role));
        }
        return new VideoModelFiles(picked.get(0), picked.get(1), picked.get(2), picked.get(3));
    }

    private static Path pick(Path folder, List<String> names, String role) {
        for (String n : names) {
            if (n.toLowerCase(Locale.ROOT).equals(role + ".onnx")) {
                return folder.resolve(n);
            }
        }
        List<String> candidates = names.stream().filter(n -> matches(n, role)).toList();
        if (candidates.size() == 1) {
            return folder.resolve(candidates.get(0));
        }
        throw new ModelException("the SAM2 video model folder " + folder + (candidates.isEmpty()
                ? " has no " + role + ".onnx nor any " + role + "*.onnx"
                : " has several " + role + "*.onnx files " + candidates + " and no " + role + ".onnx")
                + " (files there: " + names + "); see docs/segmenters.md");
    }

    private static boolean matches(String name, String role) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith(role) && n.endsWith(".onnx");
    }

    /** The names of the regular files in {@code folder}, sorted. */
    private static List<String> names(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new ModelException("cannot list the SAM2 video model folder " + folder + ": " + e, e);
        }
    }
}
