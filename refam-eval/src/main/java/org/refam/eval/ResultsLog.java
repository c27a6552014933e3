package org.refam.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.refam.api.RefAmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-sample results file: JSON lines, a header line first, then one object per sample ({@code "type"}:
 * {@code "image"}, {@code "video"} or {@code "skip"}, keyed by {@code "id"}). Each line is flushed when written, so an
 * interrupted run loses at most the line being written; on reopening, a torn last line is dropped with a warning and
 * the samples already present are not evaluated again.
 *
 * <p>Thread-safety: not thread-safe.
 */
final class ResultsLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultsLog.class);
    static final String FORMAT = "refam-eval-results";
    static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final Map<String, JsonNode> done;
    private final OutputStream out;

    private ResultsLog(Path file, Map<String, JsonNode> done, OutputStream out) {
        this.file = file;
        this.done = done;
        this.out = out;
    }

    /** A log that keeps nothing on disk. */
    static ResultsLog inMemory() {
        return new ResultsLog(null, new HashMap<>(), null);
    }

    /**
     * Opens {@code file}, resuming it unless {@code restart}.
     *
     * @throws RefAmException if the file belongs to another data set or run, or a line other than the last is not
     *     valid JSON (naming the file and line)
     */
    static ResultsLog open(Path file, String dataset, String run, boolean restart) {
        Map<String, JsonNode> done = new HashMap<>();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean writeHeader = true;
            if (!restart && Files.isRegularFile(file) && Files.size(file) > 0) {
                writeHeader = !load(file, dataset, run, done);
            }
            OutputStream out;
            if (writeHeader) {
                out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
                ObjectNode h = MAPPER.createObjectNode();
                h.put("type", "header").put("format", FORMAT).put("version", VERSION).put("dataset", dataset)
                        .put("run", run);
                out.write((MAPPER.writeValueAsString(h) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                done.clear();
            } else {
                out = Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            return new ResultsLog(file, done, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open results file " + file, e);
        }
    }

    /**
     * Reads the records of an existing file into {@code done}; cuts a torn last line off the file.
     *
     * @return true when the file had a valid header (records may follow), false when it must be rewritten
     */
    private static boolean load(Path file, String dataset, String run, Map<String, JsonNode> done) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int lineNo = 0;
        int start = 0;
        long keep = 0;
        boolean header = false;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            boolean last = end >= bytes.length || end + 1 >= bytes.length;
            boolean terminated = end < bytes.length;
            lineNo++;
            String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            JsonNode n = null;
            if (!line.isBlank()) {
                try {
                    n = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    n = null;
                }
                if (n == null || !n.isObject() || (!header && !"header".equals(n.path("type").asText()))
                        || (header && !n.hasNonNull("id"))) {
                    if (last) {
                        LOG.warn("{}: ignoring the torn last line {} ({} bytes); its sample is evaluated again",
                                file, lineNo, end - start);
                        break;
                    }
                    throw new RefAmException("results file " + file + " line " + lineNo
                            + " is not a results record: " + abbreviate(line)
                            + " (delete the file, or run with --restart, to start over)");
                }
                if (!header) {
                    String d = n.path("dataset").asText();
                    String r = n.path("run").asText();
                    if (!FORMAT.equals(n.path("format").asText()) || n.path("version").asInt() != VERSION) {
                        throw new RefAmException("results file " + file + " is not a " + FORMAT + " version " + VERSION
                                + " file (header " + abbreviate(line) + ")");
                    }
                    if (!d.equals(dataset) || !r.equals(run)) {
                        throw new RefAmException("results file " + file + " holds results of dataset '" + d
                                + "', run '" + r + "', not of dataset '" + dataset + "', run '" + run
                                + "'; use another output folder or --restart");
                    }
                    header = true;
                } else {
                    done.put(n.get("id").asText(), n);
                }
            }
            keep = terminated ? end + 1 : end;
            if (!terminated) {
                // a complete record without its newline: keep it and end the line before appending
                try (OutputStream o = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
                    o.write('\n');
                }
                keep = bytes.length + 1;
            }
            start = end + 1;
        }
        if (keep < bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
        }
        return header;
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** The records already in the file, by sample id. */
    Map<String, JsonNode> done() {
        return done;
    }

    /** Appends a record (it must carry an "id") and flushes it. */
    void append(ObjectNode record) {
        done.put(record.get("id").asText(), record);
        if (out == null) {
            return;
        }
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            MAPPER.writeValue(b, record);
            b.write('\n');
            out.write(b.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results file " + file, e);
        }
    }

    static ObjectNode record() {
        return MAPPER.createObjectNode();
    }

    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close results file " + file, e);
        }
    }
}
