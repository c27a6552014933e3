package org.refam.core.spi;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.refam.api.SinkHandler;
import org.refam.api.SinkHandlerProvider;
import org.refam.core.sink.GlobalSinkHandler;

/**
 * Provides {@link GlobalSinkHandler} under the name {@code global}. Options (unknown keys and malformed values are
 * an error): {@code mode} ({@code off | detect_only | suppress | redirect}, default {@code redirect}),
 * {@code strength} (k, a positive number, default 4.0), {@code maxVariation} (a number >= 0, default 0.5),
 * {@code minBlock} and {@code maxBlock} (inclusive block range, default all), {@code paddingSinks}
 * ({@code true | false}, default true).
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class GlobalSinkHandlerProvider implements SinkHandlerProvider {
    private static final Set<String> KEYS = new LinkedHashSet<>(
            List.of("mode", "strength", "maxVariation", "minBlock", "maxBlock", "paddingSinks"));

    @Override
    public String name() {
        return "global";
    }

    @Override
    public String description() {
        return "global attention sinks: strong and flat columns, suppressed or redirected to magnets (refam-core)";
    }

    @Override
    public SinkHandler create(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown sink handler option '" + key + "'; known: " + KEYS);
            }
        }
        GlobalSinkHandler.Builder b = GlobalSinkHandler.builder();
        if (options.containsKey("mode")) {
            b.mode(GlobalSinkHandler.parseMode(options.get("mode")));
        }
        if (options.containsKey("strength")) {
            b.strength(number(options, "strength"));
        }
        if (options.containsKey("maxVariation")) {
            b.maxVariation(number(options, "maxVariation"));
        }
        int min = options.containsKey("minBlock") ? integer(options, "minBlock") : 0;
        int max = options.containsKey("maxBlock") ? integer(options, "maxBlock") : Integer.MAX_VALUE;
        b.blocks(min, max);
        b.paddingSinks(DefaultTokenFilterProvider.flag(options, "paddingSinks", true));
        return b.build();
    }

    private static double number(Map<String, String> options, String key) {
        String v = options.get(key);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be a number, got '" + v + "'", e);
        }
    }

    private static int integer(Map<String, String> options, String key) {
        String v = options.get(key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be an integer, got '" + v + "'", e);
        }
    }
}
