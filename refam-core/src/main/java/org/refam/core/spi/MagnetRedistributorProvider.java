package org.refam.core.spi;

import java.util.Arrays;
import java.util.Map;
import org.refam.api.Redistributor;
import org.refam.api.RedistributorProvider;
import org.refam.core.text.MagnetRedistributor;

/**
 * Provides {@link MagnetRedistributor} under the name {@code magnets}. Option {@code words}: the magnet words
 * separated by spaces (default {@code ". with a the pink"}); unknown keys are an error.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class MagnetRedistributorProvider implements RedistributorProvider {
    @Override
    public String name() {
        return "magnets";
    }

    @Override
    public String description() {
        return "appends attention-magnet words, each with its own end token (refam-core)";
    }

    @Override
    public Redistributor create(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!key.equals("words")) {
                throw new IllegalArgumentException("unknown redistributor option '" + key + "'; known: [words]");
            }
        }
        String words = options.get("words");
        if (words == null) {
            return MagnetRedistributor.standard();
        }
        return new MagnetRedistributor(Arrays.stream(words.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList());
    }
}
