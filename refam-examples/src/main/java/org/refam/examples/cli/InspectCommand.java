package org.refam.examples.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.refam.api.FilterReason;
import org.refam.api.GroundingResult;
import org.refam.api.HeatMap;
import org.refam.api.RgbImage;
import org.refam.api.TokenMap;
import org.refam.core.image.ColorMaps;
import org.refam.core.image.Images;
import org.refam.core.image.Overlays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inspect}: one picture for a researcher whose result looks wrong — the image with the final heat map and
 * peak, every token's map on the latent grid labelled with its token and framed in the colour of its role (kept,
 * stop word, magnet, sink, special/padding), and the text-to-text attention matrix in which global sinks show as
 * bright columns (as in the paper's token-level figure).
 *
 * <p>Each token map is scaled to its own maximum (printed under the tile) so weak maps stay readable; the
 * matrix is scaled to its maximum. Only the first padding token is drawn; the others behave alike.
 *
 * <p>Thread-safety: not thread-safe; picocli creates one instance per parse.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Draw per-token maps (coloured by role), the final heat map and the text-to-text attention.")
final class InspectCommand implements Callable<Integer> {
    static final Color KEPT = new Color(0x2E, 0xCC, 0x40);
    static final Color STOP = new Color(0x9E, 0x9E, 0x9E);
    static final Color MAGNET = new Color(0x40, 0x8C, 0xFF);
    static final Color SINK = new Color(0xFF, 0x41, 0x36);
    static final Color OTHER = new Color(0x55, 0x55, 0x55);
    private static final int TILE = 112;
    private static final int LABEL = 30;
    private static final int COLUMNS = 8;
    private static final int PAD = 8;

    @Spec
    CommandSpec spec;

    @Option(names = "--image", required = true, paramLabel = "IMG", description = "Image file.")
    Path image;

    @Option(names = "--text", required = true, paramLabel = "EXPR", description = "The referring expression.")
    String text;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "out/inspect.png",
            description = "PNG to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws IOException {
        RgbImage img = Images.read(image);
        GroundingResult r = pipeline.ground(img, text, true);
        BufferedImage picture = render(img, r);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Overlays.writePng(Images.fromBufferedImage(picture), out);
        spec.commandLine().getOut().printf("'%s': %d token maps, %d kept, peak (%d, %d); wrote %s%n", r.expression(),
                r.tokenMaps().size(), r.selection().keptPositions().length, r.peak().x(), r.peak().y(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The role colour of a token's frame. */
    static Color roleColour(FilterReason reason) {
        return switch (reason) {
            case KEPT -> KEPT;
            case STOP_WORD, PUNCTUATION, NOT_IN_NOUN_PHRASE, RELATION_ANCHOR -> STOP;
            case MAGNET -> MAGNET;
            case SINK -> SINK;
            case SPECIAL, PADDING -> OTHER;
        };
    }

    static BufferedImage render(RgbImage img, GroundingResult r) {
        List<TokenMap> tiles = new ArrayList<>();
        boolean padShown = false;
        for (TokenMap m : r.tokenMaps()) {
            if (m.decision().reason() == FilterReason.PADDING) {
                if (padShown) {
                    continue;
                }
                padShown = true;
            }
            tiles.add(m);
        }
        int rows = (tiles.size() + COLUMNS - 1) / COLUMNS;
        int gridW = COLUMNS * (TILE + PAD) + PAD;
        int headerH = 2 * TILE + LABEL + 2 * PAD + 20;
        int tilesH = rows * (TILE + LABEL + PAD) + PAD;
        HeatMap text = r.textAttention();
        int matrixSide = text == null ? 0 : Math.max(2 * TILE, Math.min(4 * TILE, text.width() * 8));
        int width = Math.max(gridW, 2 * (2 * TILE + PAD) + PAD) + (matrixSide > 0 ? matrixSide + 3 * PAD + 90 : 0);
        int height = Math.max(headerH + tilesH, matrixSide + 2 * PAD + LABEL + 90);
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(0x1A, 0x1A, 0x1A));
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

            // header: the image with the final heat map and the peak; the grid heat map
            BufferedImage overlay = Images.toBufferedImage(
                    Overlays.heatMapOverlay(img, r.imageHeatMap(), r.peak(), 0.6f));
            g.drawImage(overlay, PAD, PAD, 2 * TILE, 2 * TILE, null);
            g.drawImage(heat(r.gridHeatMap()), 2 * TILE + 2 * PAD, PAD, 2 * TILE, 2 * TILE, null);
            g.setColor(Color.WHITE);
            g.drawString("'" + r.expression() + "'  peak (" + r.peak().x() + ", " + r.peak().y() + ")", PAD,
                    2 * TILE + PAD + 16);
            legend(g, PAD + 40, 2 * TILE + PAD + 20);

            int y0 = headerH;
            for (int i = 0; i < tiles.size(); i++) {
                TokenMap m = tiles.get(i);
                int x = PAD + (i % COLUMNS) * (TILE + PAD);
                int y = y0 + (i / COLUMNS) * (TILE + LABEL + PAD);
                g.drawImage(heat(m.map()), x, y, TILE, TILE, null);
                g.setColor(roleColour(m.decision().reason()));
                g.setStroke(new BasicStroke(4));
                g.drawRect(x + 2, y + 2, TILE - 4, TILE - 4);
                g.setColor(Color.WHITE);
                String label = m.position() + " " + m.token().text();
                g.drawString(clip(g, label, TILE), x, y + TILE + 13);
                g.setColor(roleColour(m.decision().reason()));
                g.drawString(clip(g, m.decision().reason().name().toLowerCase(java.util.Locale.ROOT) + " max "
                        + String.format(java.util.Locale.ROOT, "%.3g", m.map().max()), TILE), x, y + TILE + 26);
            }
            if (text != null) {
                int mx = width - matrixSide - PAD - 60;
                int my = PAD + 60;
                g.drawImage(heat(text), mx, my, matrixSide, matrixSide, null);
                g.setColor(Color.WHITE);
                g.drawString("text -> text attention (row = query, column = key)", mx - 30, PAD + 16);
                g.drawString("sinks are bright columns", mx - 30, PAD + 32);
                drawAxisLabels(g, r, mx, my, matrixSide);
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static void legend(Graphics2D g, int x, int y) {
        Object[][] items = {{"kept", KEPT}, {"stop word", STOP}, {"magnet", MAGNET}, {"sink", SINK},
            {"special/pad", OTHER}};
        int cx = x - 40;
        for (Object[] it : items) {
            g.setColor((Color) it[1]);
            g.fillRect(cx, y + 14, 10, 10);
            g.setColor(Color.WHITE);
            g.drawString((String) it[0], cx + 14, y + 24);
            cx += 14 + g.getFontMetrics().stringWidth((String) it[0]) + 12;
        }
    }

    private static void drawAxisLabels(Graphics2D g, GroundingResult r, int mx, int my, int side) {
        int t = r.prompt().size();
        double cell = (double) side / t;
        if (cell < 9) {
            return;
        }
        Font old = g.getFont();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        for (int k = 0; k < t; k++) {
            String s = clip(g, r.prompt().token(k).text(), 56);
            g.setColor(roleColour(r.selection().decisions().get(k).reason()));
            g.drawString(s, mx - g.getFontMetrics().stringWidth(s) - 3, (int) (my + (k + 0.75) * cell));
            Graphics2D rot = (Graphics2D) g.create();
            rot.rotate(Math.PI / 2, mx + (k + 0.3) * cell, my + side + 3);
            rot.drawString(s, (float) (mx + (k + 0.3) * cell), (float) (my + side + 3));
            rot.dispose();
        }
        g.setFont(old);
    }

    private static String clip(Graphics2D g, String s, int maxWidth) {
        String out = s;
        while (out.length() > 1 && g.getFontMetrics().stringWidth(out) > maxWidth) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    /** A heat map coloured with inferno, scaled to its own maximum. */
    static BufferedImage heat(HeatMap map) {
        BufferedImage b = new BufferedImage(map.width(), map.height(), BufferedImage.TYPE_INT_RGB);
        float max = 0f;
        for (float v : map.values()) {
            if (Float.isFinite(v) && v > max) {
                max = v;
            }
        }
        for (int y = 0; y < map.height(); y++) {
            for (int x = 0; x < map.width(); x++) {
                float v = map.get(y, x);
                float n = max > 0 && Float.isFinite(v) && v > 0 ? v / max : 0f;
                b.setRGB(x, y, ColorMaps.rgb(n));
            }
        }
        return b;
    }
}
