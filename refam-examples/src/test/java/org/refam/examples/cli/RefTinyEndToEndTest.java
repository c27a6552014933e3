package org.refam.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.RgbImage;
import org.refam.core.image.Images;

/**
 * End to end on the embedded refam-tiny model, through the command-line tool: the committed sample grounds
 * inside its target. (The point-accuracy floor on a RefShapes subset belongs with the fully trained model; see
 * docs/results.md for the current numbers.)
 */
class RefTinyEndToEndTest {
    @TempDir
    Path dir;

    private static String runOk(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(RefAmCli.run(args)).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCommittedSampleGroundsInsideItsTarget() throws Exception {
        Path out = dir.resolve("ground");
        runOk("ground", "--image", "../samples/shapes.png", "--text", "the large yellow circle", "--device", "cpu",
                "--out", out.toString());
        JsonNode r = new ObjectMapper().readTree(Files.readString(out.resolve("result.json")));
        assertThat(r.get("provider").asText()).isEqualTo("CPU");
        RgbImage mask = Images.read(Path.of("../samples/shapes-large-yellow-circle-mask.png"));
        int x = r.at("/point/x").asInt();
        int y = r.at("/point/y").asInt();
        assertThat(mask.channel(x, y, 0)).as("mask value at the peak (%d, %d)", x, y).isEqualTo(255);
    }
}
