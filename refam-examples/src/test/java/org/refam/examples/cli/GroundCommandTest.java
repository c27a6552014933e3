package org.refam.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.refam.examples.cli.CliRun.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.RgbImage;
import org.refam.core.image.Images;
import org.refam.core.image.Overlays;
import org.refam.core.fixture.PlantedAttentionExtractor;

/** The {@code ground} command end to end on the planted-attention fixture backend. */
class GroundCommandTest {
    @TempDir
    Path dir;


    private Path image(int w, int h) throws Exception {
        byte[] rgb = new byte[3 * w * h];
        java.util.Arrays.fill(rgb, (byte) 90);
        Path p = dir.resolve("img.png");
        Overlays.writePng(new RgbImage(w, h, rgb), p);
        return p;
    }

    /** The lines of stderr that carry the tool's error message (log lines from libraries are not counted). */
    private static java.util.List<String> errorLines(String err) {
        return err.lines().filter(l -> l.startsWith("error:")).toList();
    }

    @Test
    void writesOverlayMaskAndResultThatParse() throws Exception {
        Path img = image(96, 64);
        Path out = dir.resolve("out");
        var r = run("ground", "--backend", "fixture", "--image", img.toString(), "--text", "the red circle on the left",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("'the red circle on the left' -> point");

        RgbImage overlay = Images.read(out.resolve("overlay.png"));
        assertThat(overlay.width()).isEqualTo(96);
        assertThat(overlay.height()).isEqualTo(64);
        assertThat(Images.read(out.resolve("mask.png")).width()).isEqualTo(96);

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("result.json")));
        int x = json.at("/point/x").asInt();
        int y = json.at("/point/y").asInt();
        // The fixture plants the target at its documented centre; "left" moves it into the left half.
        double[] target = PlantedAttentionExtractor.create().targetCentre("the red circle on the left");
        assertThat(Math.abs(x - target[0] * 96)).isLessThan(96 * 0.15);
        assertThat(Math.abs(y - target[1] * 64)).isLessThan(64 * 0.15);
        assertThat(json.get("provider").asText()).isEqualTo("fixture");
        assertThat(json.get("tokens")).isNotEmpty();
        assertThat(json.at("/tokens/0/reason").asText()).isIn("SINK", "STOP_WORD");
        assertThat(json.get("sinks")).isNotEmpty();
        assertThat(json.get("magnets")).hasSize(5);
    }

    @Test
    void stageSwitchesReachTheResult() throws Exception {
        Path img = image(64, 64);
        Path out = dir.resolve("raw");
        var r = run("ground", "--backend", "fixture", "--image", img.toString(), "--text", "the red circle",
                "--no-magnets", "--no-filter", "--sinks", "off", "--renorm", "none", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("result.json")));
        assertThat(json.get("magnets")).isEmpty();
        assertThat(json.get("sinks")).isEmpty();
        for (JsonNode t : json.get("tokens")) {
            assertThat(t.get("kept").asBoolean()).as(t.toString()).isTrue();
        }
    }

    @Test
    void badInputExitsNonZeroWithOneLineMessage() throws Exception {
        Path img = image(32, 32);
        var missing = run("ground", "--backend", "fixture", "--image", dir.resolve("nope.png").toString(),
                "--text", "the cat", "--out", dir.resolve("o1").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(errorLines(missing.err())).singleElement().asString().contains("nope.png");

        Path notImage = dir.resolve("notes.png");
        Files.writeString(notImage, "this is text, not a PNG");
        var garbage = run("ground", "--backend", "fixture", "--image", notImage.toString(), "--text", "the cat",
                "--out", dir.resolve("o0").toString());
        assertThat(garbage.code()).isEqualTo(1);
        assertThat(errorLines(garbage.err())).singleElement().asString().contains("notes.png");

        var empty = run("ground", "--backend", "fixture", "--image", img.toString(), "--text", "  ",
                "--out", dir.resolve("o2").toString());
        assertThat(empty.code()).isEqualTo(1);
        assertThat(errorLines(empty.err())).singleElement().asString().contains("empty");

        var stop = run("ground", "--backend", "fixture", "--image", img.toString(), "--text", "the a of",
                "--out", dir.resolve("o3").toString());
        assertThat(stop.code()).isEqualTo(1);
        assertThat(stop.err()).contains("STOP_WORD");

        var unknownBackend = run("ground", "--backend", "nosuch", "--image", img.toString(), "--text", "the cat");
        assertThat(unknownBackend.code()).isEqualTo(1);
        assertThat(unknownBackend.err()).contains("nosuch").contains("fixture");

        var unknownOption = run("ground", "--image", img.toString(), "--text", "x", "--frobnicate");
        assertThat(unknownOption.code()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("--frobnicate");

        var badDevice = run("ground", "--backend", "fixture", "--image", img.toString(), "--text", "the cat",
                "--device", "tpu");
        assertThat(badDevice.code()).isNotZero();
        assertThat(badDevice.err()).contains("tpu");
    }

    @Test
    void inspectDrawsOneTilePerNonPaddingTokenPlusTheMatrix() throws Exception {
        Path img = image(64, 48);
        Path out = dir.resolve("inspect.png");
        var r = run("inspect", "--backend", "fixture", "--image", img.toString(), "--text", "the red circle",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("token maps").contains(out.toString());
        RgbImage picture = Images.read(out);
        // header (two 2x2-tile panels) plus at least two rows of tiles and the text-to-text matrix on the right
        assertThat(picture.width()).isGreaterThan(8 * 112);
        assertThat(picture.height()).isGreaterThan(2 * 112 + 2 * (112 + 30));
    }
}
