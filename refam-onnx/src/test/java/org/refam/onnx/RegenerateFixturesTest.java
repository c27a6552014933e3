package org.refam.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the export tools and a Python with torch and onnx are present (the repository's {@code tools/} folder,
 * {@code python3}, or {@code -Drefam.test.python=...}), regenerates the tiny fixture with
 * {@code make_fixture.py} and checks the fresh bundle against its fresh PyTorch reference, so a change of the
 * export tools or the manifest format that breaks the Java side fails here. Skipped (reported as skipped)
 * otherwise, unless {@code -Drefam.test.requirePython=true} (set by {@code .ci/run}) turns the skip into a failure; the
 * committed fixtures cover the same checks offline.
 */
class RegenerateFixturesTest {
    @TempDir
    Path tmp;

    @Test
    void freshlyExportedFixtureMatchesItsPyTorchReference() throws IOException, InterruptedException {
        Path tools = Path.of(System.getProperty("refam.test.tools", "../tools")).toAbsolutePath().normalize();
        String python = System.getProperty("refam.test.python", "/usr/bin/python3");
        boolean available = Files.isRegularFile(tools.resolve("refam_tools/make_fixture.py"))
                && exitCode(tools, python, "-c", "import torch, onnx") == 0;
        if (Boolean.getBoolean("refam.test.requirePython")) {
            // CI sets this: there a missing PyTorch is a broken machine, not a reason to skip
            assertThat(available).as("export tools at " + tools + " with torch and onnx for " + python).isTrue();
        }
        assumeTrue(available, "no export tools at " + tools + ", or " + python + " lacks torch or onnx");
        Path out = tmp.resolve("fixture");
        assertThat(exitCode(tools, python, "-m", "refam_tools.make_fixture", "--out", out.toString(), "--seed", "3"))
                .as("make_fixture exit status").isZero();
        ReferenceTest.check(Fixture.load(out), false);
    }

    private static int exitCode(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
