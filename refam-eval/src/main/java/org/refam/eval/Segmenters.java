package org.refam.eval;

import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.refam.api.BackendNotFoundException;
import org.refam.api.ExtractorOptions;
import org.refam.api.PromptableSegmenter;
import org.refam.api.PromptableSegmenterProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link PromptableSegmenterProvider}s by name with {@link ServiceLoader} and opens the segmenter (method.md
 * section 2, step 8). Names match case-insensitively.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class Segmenters {
    private static final Logger LOG = LoggerFactory.getLogger(Segmenters.class);

    /** The name that means "no segmenter: use the pipeline's built-in threshold mask". */
    public static final String NONE = "none";

    private Segmenters() {
    }

    /** The segmenters on the class path: name to description, sorted by name. */
    public static Map<String, String> available() {
        Map<String, String> out = new TreeMap<>();
        for (PromptableSegmenterProvider p : providers()) {
            out.put(p.name().toLowerCase(Locale.ROOT), p.description());
        }
        return out;
    }

    /**
     * Opens the segmenter named {@code name}, or returns null for {@value #NONE} (or null). {@code name} may carry
     * the model folder as {@code NAME:DIR} (e.g. {@code sam:models/sam-vit-h}, the CLI's {@code --segmenter}
     * convention); it then replaces {@code options.model()}.
     *
     * @throws BackendNotFoundException if no provider has that name; the message lists the names available
     */
    public static PromptableSegmenter open(String name, ExtractorOptions options) {
        if (name == null || name.isBlank() || name.trim().equalsIgnoreCase(NONE)) {
            return null;
        }
        ExtractorOptions opts = options == null ? ExtractorOptions.defaults() : options;
        int colon = name.indexOf(':');
        if (colon > 0) {
            String dir = name.substring(colon + 1).trim();
            if (!dir.isEmpty()) {
                opts = opts.toBuilder().model(java.nio.file.Path.of(dir)).build();
            }
            name = name.substring(0, colon);
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (PromptableSegmenterProvider p : providers()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(key)) {
                LOG.info("Using segmenter '{}' ({})", p.name(), p.getClass().getName());
                return p.open(opts);
            }
        }
        throw new BackendNotFoundException("no promptable segmenter named '" + name + "'; available: "
                + (available().isEmpty() ? "none on the class path (add refam-onnx for SAM/SAM2)" : available().keySet())
                + " (or '" + NONE + "' for the built-in threshold mask)");
    }

    private static Iterable<PromptableSegmenterProvider> providers() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        ServiceLoader<PromptableSegmenterProvider> loader = ServiceLoader.load(PromptableSegmenterProvider.class,
                cl != null ? cl : Segmenters.class.getClassLoader());
        java.util.List<PromptableSegmenterProvider> out = new java.util.ArrayList<>();
        var it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                out.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.warn("skipping a broken segmenter provider: {}", e.getMessage());
            }
        }
        return out;
    }
}
