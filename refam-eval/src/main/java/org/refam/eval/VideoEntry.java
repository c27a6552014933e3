package org.refam.eval;

import java.util.List;
import java.util.Objects;

/**
 * A video of a referring-video data set with its frames and samples.
 *
 * @param name the video's name (its folder)
 * @param frames frame names in temporal order ("00000", "00001", ...)
 * @param record where the video is declared, for messages
 * @param samples the video's samples, at least one
 *
 * <p>Thread-safety: immutable.
 */
public record VideoEntry(String name, List<String> frames, String record, List<VideoSampleEntry> samples) {
    public VideoEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(record, "record");
        frames = List.copyOf(frames);
        samples = List.copyOf(samples);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("video " + name + " has no frames (" + record + ")");
        }
    }
}
