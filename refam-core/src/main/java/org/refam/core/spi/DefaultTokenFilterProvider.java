package org.refam.core.spi;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.refam.api.TokenFilter;
import org.refam.api.TokenFilterProvider;
import org.refam.core.text.DefaultTokenFilter;

/**
 * Provides {@link DefaultTokenFilter} under the name {@code default}. Options (all booleans, default
 * {@code true} except {@code nounPhraseOnly}): {@code stopWords}, {@code punctuation},
 * {@code special}, {@code padding}, {@code magnets}, {@code sinks}, {@code nounPhraseOnly}, {@code dropAnchors};
 * unknown keys are an error.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class DefaultTokenFilterProvider implements TokenFilterProvider {
    private static final Set<String> KEYS =
            Set.of("stopWords", "punctuation", "special", "padding", "magnets", "sinks", "nounPhraseOnly",
                    "dropAnchors");

    @Override
    public String name() {
        return "default";
    }

    @Override
    public String description() {
        return "stop words, punctuation, special tokens, padding, magnets and sinks (refam-core)";
    }

    @Override
    public TokenFilter create(Map<String, String> options) {
        Map<String, String> o = new HashMap<>(options);
        o.keySet().removeAll(KEYS);
        if (!o.isEmpty()) {
            throw new IllegalArgumentException("unknown token filter options " + o.keySet() + "; known: " + KEYS);
        }
        return DefaultTokenFilter.builder()
                .dropStopWords(flag(options, "stopWords", true))
                .dropPunctuation(flag(options, "punctuation", true))
                .dropSpecial(flag(options, "special", true))
                .dropPadding(flag(options, "padding", true))
                .dropMagnets(flag(options, "magnets", true))
                .dropSinks(flag(options, "sinks", true))
                .nounPhraseOnly(flag(options, "nounPhraseOnly", false))
                .dropAnchors(flag(options, "dropAnchors", true))
                .build();
    }

    static boolean flag(Map<String, String> options, String key, boolean fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("option " + key + " must be true or false, got '" + v + "'");
    }
}
