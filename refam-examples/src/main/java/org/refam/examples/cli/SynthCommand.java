package org.refam.examples.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.refam.api.RefAmException;
import org.refam.examples.refshapes.RefShapesGenerator;
import org.refam.examples.refshapes.Split;
import org.refam.examples.refshapes.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code synth}: writes a RefShapes dataset (synthetic scenes of shapes with masks, captions and referring
 * expressions) to a folder, for training a small diffusion transformer and evaluating grounding on it.
 *
 * <p>Exit codes: 0 on success, 1 when the dataset cannot be written (an existing dataset without
 * {@code --force}, an I/O error), 2 for invalid options (picocli's usage error).
 *
 * <p>Thread-safety: not thread-safe; picocli creates one instance per parse.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate a RefShapes synthetic referring-segmentation dataset: images/*.png, masks/*.png, "
                + "index.json, vocabulary.txt and tokenizer.json.")
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder (created if missing).")
    Path out;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1000",
            description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Local seed of the first image within the split's seed range (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "train",
            description = "train, val or test: each owns a disjoint range of 2^40 scene seeds "
                    + "(default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "64",
            description = "Image side in pixels, 32..1024 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--hard",
            description = "Hard variant: textured backgrounds and free placement instead of the grid.")
    boolean hard;

    @Option(names = "--min-objects", paramLabel = "N", defaultValue = "2",
            description = "Fewest objects per image (default: ${DEFAULT-VALUE}).")
    int minObjects;

    @Option(names = "--max-objects", paramLabel = "N", defaultValue = "4",
            description = "Most objects per image (default: ${DEFAULT-VALUE}).")
    int maxObjects;

    @Option(names = "--force", description = "Replace a dataset already in DIR.")
    boolean force;

    @Override
    public Integer call() {
        RefShapesGenerator generator;
        try {
            generator = RefShapesGenerator.builder()
                    .split(Split.fromId(split))
                    .variant(hard ? Variant.HARD : Variant.STANDARD)
                    .size(size)
                    .objects(minObjects, maxObjects)
                    .seed(seed)
                    .count(count)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "synth: " + e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        try {
            RefShapesGenerator.Summary s = generator.write(out, (stage, done, total) -> {
                if (done == total || done % 1000 == 0) {
                    err.printf("%s: %d/%d%n", stage, done, total);
                    err.flush();
                }
            }, force);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %d %s %s images (%d objects, %d expressions, %d captions) to %s%n", s.images(),
                    generator.variant().id(), generator.split().id(), s.objects(), s.expressions(), s.captions(),
                    s.index());
            o.flush();
            return 0;
        } catch (IllegalStateException | RefAmException | UncheckedIOException e) {
            err.println("synth: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
