package org.refam.examples.refshapes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.examples.cli.SynthCommand;
import picocli.CommandLine;

class SynthCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new SynthCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void writesADatasetWithTheRequestedOptions(@TempDir Path dir) {
        int code = run("--out", dir.toString(), "--count", "5", "--seed", "3", "--split", "val", "--size", "48");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("wrote 5 standard val images");
        RefShapesDataset d = RefShapesDataset.open(dir);
        assertThat(d.size()).isEqualTo(5);
        assertThat(d.split()).isEqualTo(Split.VAL);
        assertThat(d.width()).isEqualTo(48);
        assertThat(d.scenes()).extracting(Scene::id).containsExactly("val-00000003", "val-00000004", "val-00000005",
                "val-00000006", "val-00000007");
    }

    @Test
    void hardSelectsTheHardVariant(@TempDir Path dir) {
        assertThat(run("--out", dir.toString(), "--count", "2", "--hard")).isZero();
        assertThat(RefShapesDataset.open(dir).variant()).isEqualTo(Variant.HARD);
    }

    @Test
    void refusesToOverwriteUnlessForced(@TempDir Path dir) {
        assertThat(run("--out", dir.toString(), "--count", "2")).isZero();
        assertThat(run("--out", dir.toString(), "--count", "3")).isEqualTo(1);
        assertThat(err.toString()).contains("already holds");
        assertThat(run("--out", dir.toString(), "--count", "3", "--force")).isZero();
        assertThat(RefShapesDataset.open(dir).size()).isEqualTo(3);
    }

    @Test
    void invalidOptionsAreUsageErrorsNamingTheValue(@TempDir Path dir) {
        assertThat(run("--out", dir.toString(), "--split", "dev")).isEqualTo(2);
        assertThat(err.toString()).contains("dev").contains("train, val or test");
        assertThat(run("--out", dir.toString(), "--size", "8")).isEqualTo(2);
        assertThat(err.toString()).contains("got 8");
        assertThat(run("--count", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--out");
    }
}
