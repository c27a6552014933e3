package org.refam.examples.cli;

import java.io.PrintWriter;
import org.refam.api.RefAmException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code refam} command-line tool: {@code synth} writes a RefShapes dataset; further subcommands ground
 * expressions, inspect per-token maps and evaluate.
 *
 * <p>Errors: invalid options exit with 2 and picocli's usage message; a {@link RefAmException} (bad image, empty
 * expression, model problem) exits with 1 and prints its message on one line, without a stack trace.
 *
 * <p>Thread-safety: not applicable (a {@code main} entry point).
 */
@Command(name = "refam", mixinStandardHelpOptions = true, version = "refam 0.1.0-SNAPSHOT",
        description = "Training-free referring segmentation from diffusion-transformer attention (RefAM).",
        subcommands = {GroundCommand.class, InspectCommand.class, SynthCommand.class, EvalCommand.class})
public final class RefAmCli {

    private RefAmCli() {
    }

    /** Runs the tool and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new RefAmCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof RefAmException) {
                err.println("error: " + ex.getMessage());
            } else {
                err.println("error: " + ex);
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli.execute(args);
    }
}
