package org.refam.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionExtractorProvider;
import org.refam.api.BackendNotFoundException;
import org.refam.api.ExtractorOptions;
import org.refam.api.RedistributorProvider;
import org.refam.api.Redistributor;
import org.refam.api.RefAmException;
import org.refam.api.SinkHandler;
import org.refam.api.SinkHandlerProvider;
import org.refam.api.TokenFilter;
import org.refam.api.TokenFilterProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the providers of the four extension points of {@code org.refam.api} by name with {@link ServiceLoader}
 * and creates the objects they provide.
 *
 * <p>Names are matched case-insensitively ({@link Locale#ROOT}). An unknown name fails with a
 * {@link BackendNotFoundException} whose message lists the available names and says which jar to add. Two
 * providers of the same extension point that claim the same name are a configuration error
 * ({@link RefAmException} naming both classes), reported by every lookup and listing of that extension point,
 * so a shadowed backend never goes unnoticed. A provider that cannot be instantiated (a broken
 * {@code META-INF/services} entry) is skipped with a warning, and its error is quoted when the name asked for is
 * then not found.
 *
 * <p>Every call scans the class path anew (provider constructors do no work, by contract), so jars added to a
 * class loader later are seen; callers that look up often should keep the created object instead.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** The name that asks {@link #openExtractor} to choose by priority, like {@code null}. */
    public static final String AUTO = "auto";

    /** Jars of the project that bring well-known backends, by backend name (for the "add X" hint). */
    private static final Map<String, String> KNOWN_EXTRACTOR_JARS = Map.of("onnx", "refam-onnx");

    private static final Kind<AttentionExtractorProvider> EXTRACTORS = new Kind<>("attention extractor",
            AttentionExtractorProvider.class, AttentionExtractorProvider::name,
            AttentionExtractorProvider::description, AttentionExtractorProvider::priority, KNOWN_EXTRACTOR_JARS);
    private static final Kind<TokenFilterProvider> TOKEN_FILTERS = new Kind<>("token filter",
            TokenFilterProvider.class, TokenFilterProvider::name, TokenFilterProvider::description, p -> 0,
            Map.of());
    private static final Kind<SinkHandlerProvider> SINK_HANDLERS = new Kind<>("sink handler",
            SinkHandlerProvider.class, SinkHandlerProvider::name, SinkHandlerProvider::description, p -> 0,
            Map.of());
    private static final Kind<RedistributorProvider> REDISTRIBUTORS = new Kind<>("redistributor",
            RedistributorProvider.class, RedistributorProvider::name, RedistributorProvider::description, p -> 0,
            Map.of());

    private Backends() {
    }

    // ---------------------------------------------------------------- attention extractors

    /**
     * The attention-extractor provider registered under {@code name}, looked up with the thread's context class
     * loader (falling back to this class's loader).
     *
     * @throws BackendNotFoundException if none has that name; the message lists the available names
     * @throws RefAmException if two providers claim the name
     */
    public static AttentionExtractorProvider extractorProvider(String name) {
        return extractorProvider(name, defaultLoader());
    }

    /** As {@link #extractorProvider(String)}, searching {@code loader}. */
    public static AttentionExtractorProvider extractorProvider(String name, ClassLoader loader) {
        return EXTRACTORS.byName(name, loader);
    }

    /**
     * Opens an extractor from the provider named {@code nameOrNull}, or, when it is {@code null}, blank or
     * {@value #AUTO}, from the provider with the highest {@link AttentionExtractorProvider#priority()} (ties go to
     * the alphabetically first name, with a warning). The choice and its reason are logged at INFO. An explicitly
     * named provider that fails to open fails the call: there is no fallback to another backend.
     *
     * @param options passed to {@link AttentionExtractorProvider#open}; {@code null} means
     *     {@link ExtractorOptions#defaults()}
     * @throws BackendNotFoundException if the name is unknown, or no provider at all is on the class path
     */
    public static AttentionExtractor openExtractor(String nameOrNull, ExtractorOptions options) {
        return openExtractor(nameOrNull, options, defaultLoader());
    }

    /** As {@link #openExtractor(String, ExtractorOptions)}, searching {@code loader}. */
    public static AttentionExtractor openExtractor(String nameOrNull, ExtractorOptions options, ClassLoader loader) {
        ExtractorOptions opts = options == null ? ExtractorOptions.defaults() : options;
        AttentionExtractorProvider provider;
        if (isAuto(nameOrNull)) {
            provider = EXTRACTORS.highestPriority(loader);
        } else {
            provider = EXTRACTORS.byName(nameOrNull, loader);
            LOG.info("Using attention extractor '{}' ({}): requested by name", provider.name(),
                    provider.getClass().getName());
        }
        return provider.open(opts);
    }

    /**
     * The attention extractors on the class path, sorted by name: name to one-line description.
     *
     * @throws RefAmException if two providers claim the same name
     */
    public static Map<String, String> availableExtractors() {
        return availableExtractors(defaultLoader());
    }

    /** As {@link #availableExtractors()}, searching {@code loader}. */
    public static Map<String, String> availableExtractors(ClassLoader loader) {
        return EXTRACTORS.listing(loader);
    }

    // ---------------------------------------------------------------- token filters

    /**
     * The token-filter provider registered under {@code name}.
     *
     * @throws BackendNotFoundException if none has that name; the message lists the available names
     */
    public static TokenFilterProvider tokenFilterProvider(String name) {
        return tokenFilterProvider(name, defaultLoader());
    }

    /** As {@link #tokenFilterProvider(String)}, searching {@code loader}. */
    public static TokenFilterProvider tokenFilterProvider(String name, ClassLoader loader) {
        return TOKEN_FILTERS.byName(name, loader);
    }

    /**
     * Creates the token filter named {@code name} (method.md section 2, step 7).
     *
     * @param options provider-specific settings; {@code null} means none
     * @throws BackendNotFoundException if no provider has that name
     * @throws IllegalArgumentException from the provider, for an unknown or malformed option
     */
    public static TokenFilter tokenFilter(String name, Map<String, String> options) {
        return tokenFilter(name, options, defaultLoader());
    }

    /** As {@link #tokenFilter(String, Map)}, searching {@code loader}. */
    public static TokenFilter tokenFilter(String name, Map<String, String> options, ClassLoader loader) {
        return TOKEN_FILTERS.byName(name, loader).create(optionsOrEmpty(options));
    }

    /** The token filters on the class path, sorted by name: name to one-line description. */
    public static Map<String, String> availableTokenFilters() {
        return availableTokenFilters(defaultLoader());
    }

    /** As {@link #availableTokenFilters()}, searching {@code loader}. */
    public static Map<String, String> availableTokenFilters(ClassLoader loader) {
        return TOKEN_FILTERS.listing(loader);
    }

    // ---------------------------------------------------------------- sink handlers

    /**
     * The sink-handler provider registered under {@code name}.
     *
     * @throws BackendNotFoundException if none has that name; the message lists the available names
     */
    public static SinkHandlerProvider sinkHandlerProvider(String name) {
        return sinkHandlerProvider(name, defaultLoader());
    }

    /** As {@link #sinkHandlerProvider(String)}, searching {@code loader}. */
    public static SinkHandlerProvider sinkHandlerProvider(String name, ClassLoader loader) {
        return SINK_HANDLERS.byName(name, loader);
    }

    /**
     * Creates the global-attention-sink handler named {@code name} (method.md section 2, step 6).
     *
     * @param options provider-specific settings; {@code null} means none
     * @throws BackendNotFoundException if no provider has that name
     * @throws IllegalArgumentException from the provider, for an unknown or malformed option
     */
    public static SinkHandler sinkHandler(String name, Map<String, String> options) {
        return sinkHandler(name, options, defaultLoader());
    }

    /** As {@link #sinkHandler(String, Map)}, searching {@code loader}. */
    public static SinkHandler sinkHandler(String name, Map<String, String> options, ClassLoader loader) {
        return SINK_HANDLERS.byName(name, loader).create(optionsOrEmpty(options));
    }

    /** The sink handlers on the class path, sorted by name: name to one-line description. */
    public static Map<String, String> availableSinkHandlers() {
        return availableSinkHandlers(defaultLoader());
    }

    /** As {@link #availableSinkHandlers()}, searching {@code loader}. */
    public static Map<String, String> availableSinkHandlers(ClassLoader loader) {
        return SINK_HANDLERS.listing(loader);
    }

    // ---------------------------------------------------------------- redistributors

    /**
     * The redistributor provider registered under {@code name}.
     *
     * @throws BackendNotFoundException if none has that name; the message lists the available names
     */
    public static RedistributorProvider redistributorProvider(String name) {
        return redistributorProvider(name, defaultLoader());
    }

    /** As {@link #redistributorProvider(String)}, searching {@code loader}. */
    public static RedistributorProvider redistributorProvider(String name, ClassLoader loader) {
        return REDISTRIBUTORS.byName(name, loader);
    }

    /**
     * Creates the attention-magnet redistributor named {@code name} (method.md section 2, step 1).
     *
     * @param options provider-specific settings; {@code null} means none
     * @throws BackendNotFoundException if no provider has that name
     * @throws IllegalArgumentException from the provider, for an unknown or malformed option
     */
    public static Redistributor redistributor(String name, Map<String, String> options) {
        return redistributor(name, options, defaultLoader());
    }

    /** As {@link #redistributor(String, Map)}, searching {@code loader}. */
    public static Redistributor redistributor(String name, Map<String, String> options, ClassLoader loader) {
        return REDISTRIBUTORS.byName(name, loader).create(optionsOrEmpty(options));
    }

    /** The redistributors on the class path, sorted by name: name to one-line description. */
    public static Map<String, String> availableRedistributors() {
        return availableRedistributors(defaultLoader());
    }

    /** As {@link #availableRedistributors()}, searching {@code loader}. */
    public static Map<String, String> availableRedistributors(ClassLoader loader) {
        return REDISTRIBUTORS.listing(loader);
    }

    // ---------------------------------------------------------------- internals

    private static boolean isAuto(String name) {
        return name == null || name.isBlank() || name.trim().equalsIgnoreCase(AUTO);
    }

    private static Map<String, String> optionsOrEmpty(Map<String, String> options) {
        return options == null ? Map.of() : options;
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Backends.class.getClassLoader();
    }

    private static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /** One extension point: its SPI type and how to read a provider's name, description and priority. */
    private static final class Kind<P> {
        private final String label;
        private final Class<P> type;
        private final Function<P, String> name;
        private final Function<P, String> description;
        private final ToIntFunction<P> priority;
        private final Map<String, String> knownJars;

        Kind(String label, Class<P> type, Function<P, String> name, Function<P, String> description,
             ToIntFunction<P> priority, Map<String, String> knownJars) {
            this.label = label;
            this.type = type;
            this.name = name;
            this.description = description;
            this.priority = priority;
            this.knownJars = knownJars;
        }

        /** Providers found with {@code loader} by normalised name, in discovery order; load errors on the side. */
        private Registry<P> scan(ClassLoader loader) {
            Objects.requireNonNull(loader, "loader");
            Map<String, P> byName = new LinkedHashMap<>();
            List<String> errors = new ArrayList<>();
            Iterator<P> it = ServiceLoader.load(type, loader).iterator();
            while (true) {
                P provider;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    provider = it.next();
                } catch (ServiceConfigurationError e) {
                    // The iterator goes on with the next entry after an error (ServiceLoader's contract).
                    String why = e.getCause() == null ? e.getMessage() : e.getMessage() + " (" + e.getCause() + ")";
                    LOG.warn("Skipping {} provider that cannot be loaded: {}", label, why);
                    errors.add(why);
                    continue;
                }
                String n = name.apply(provider);
                if (n == null || n.isBlank()) {
                    throw new RefAmException(type.getSimpleName() + " " + provider.getClass().getName()
                            + " has a null or blank name()");
                }
                P previous = byName.putIfAbsent(key(n), provider);
                if (previous != null) {
                    throw new RefAmException("two " + label + " providers claim the name '" + n + "': "
                            + previous.getClass().getName() + " ('" + name.apply(previous) + "') and "
                            + provider.getClass().getName() + " ('" + n + "'); remove one of their jars from the"
                            + " class path");
                }
            }
            return new Registry<>(byName, errors);
        }

        P byName(String requested, ClassLoader loader) {
            if (requested == null || requested.isBlank()) {
                throw new BackendNotFoundException("no " + label + " name given; available: "
                        + names(scan(loader).providers));
            }
            Registry<P> registry = scan(loader);
            P provider = registry.providers.get(key(requested));
            if (provider == null) {
                throw notFound(requested, registry);
            }
            return provider;
        }

        P highestPriority(ClassLoader loader) {
            Registry<P> registry = scan(loader);
            if (registry.providers.isEmpty()) {
                StringBuilder msg = new StringBuilder("no ").append(label).append(" provider on the class path (")
                        .append("none registered in META-INF/services/").append(type.getName()).append(")");
                if (!knownJars.isEmpty()) {
                    msg.append("; add ").append(String.join(" or ", new TreeMap<>(knownJars).values()))
                            .append(" to the class path");
                }
                appendErrors(msg, registry.errors);
                throw new BackendNotFoundException(msg.toString());
            }
            List<P> ranked = new ArrayList<>(registry.providers.values());
            ranked.sort(Comparator.comparingInt(priority).reversed()
                    .thenComparing(p -> key(name.apply(p))));
            P chosen = ranked.get(0);
            int best = priority.applyAsInt(chosen);
            StringBuilder all = new StringBuilder();
            for (P p : ranked) {
                if (all.length() > 0) {
                    all.append(", ");
                }
                all.append(name.apply(p)).append('=').append(priority.applyAsInt(p));
            }
            if (ranked.size() > 1 && priority.applyAsInt(ranked.get(1)) == best) {
                LOG.warn("Several {}s share the highest priority {} ({}); taking '{}', the first by name."
                        + " Name one explicitly to silence this.", label, best, all, name.apply(chosen));
            }
            LOG.info("Using {} '{}' ({}): highest priority {} of [{}]", label, name.apply(chosen),
                    chosen.getClass().getName(), best, all);
            return chosen;
        }

        Map<String, String> listing(ClassLoader loader) {
            Map<String, String> out = new TreeMap<>();
            for (P p : scan(loader).providers.values()) {
                out.put(name.apply(p), description.apply(p));
            }
            return Collections.unmodifiableMap(out);
        }

        private BackendNotFoundException notFound(String requested, Registry<P> registry) {
            String k = key(requested);
            StringBuilder msg = new StringBuilder("no ").append(label).append(" named '").append(requested)
                    .append("'; available: ").append(names(registry.providers)).append(". ");
            String jar = knownJars.get(k);
            if (jar != null) {
                msg.append("Add ").append(jar).append(" to the class path for '").append(k).append("'.");
            } else {
                msg.append("Add the jar that provides '").append(requested).append("' to the class path (it must")
                        .append(" register it in META-INF/services/").append(type.getName()).append(")");
                if (!knownJars.isEmpty()) {
                    StringBuilder hints = new StringBuilder();
                    new TreeMap<>(knownJars).forEach((n, j) -> hints.append(hints.length() > 0 ? ", " : "")
                            .append(j).append(" for '").append(n).append("'"));
                    msg.append("; known jars: ").append(hints);
                }
                msg.append('.');
            }
            appendErrors(msg, registry.errors);
            return new BackendNotFoundException(msg.toString());
        }

        private String names(Map<String, P> providers) {
            List<String> names = new ArrayList<>();
            for (P p : providers.values()) {
                names.add(name.apply(p));
            }
            Collections.sort(names);
            return names.isEmpty() ? "none" : names.toString();
        }

        private static void appendErrors(StringBuilder msg, List<String> errors) {
            if (!errors.isEmpty()) {
                msg.append(" Providers that failed to load: ").append(errors);
            }
        }
    }

    private static final class Registry<P> {
        final Map<String, P> providers;
        final List<String> errors;

        Registry(Map<String, P> providers, List<String> errors) {
            this.providers = providers;
            this.errors = errors;
        }
    }
}
