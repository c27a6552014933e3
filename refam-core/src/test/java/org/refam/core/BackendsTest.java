package org.refam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionExtractorProvider;
import org.refam.api.BackendNotFoundException;
import org.refam.api.ExtractorOptions;
import org.refam.api.RedistributorProvider;
import org.refam.api.RefAmException;
import org.refam.api.SinkHandlerProvider;
import org.refam.api.TokenFilterProvider;
import org.refam.core.testproviders.TestProviders;
import org.refam.core.testproviders.TestProviders.AlphaExtractorProvider;
import org.refam.core.testproviders.TestProviders.BetaExtractorProvider;
import org.refam.core.testproviders.TestProviders.BrokenExtractorProvider;
import org.refam.core.testproviders.TestProviders.DuplicateBetaExtractorProvider;
import org.refam.core.testproviders.TestProviders.GammaExtractorProvider;
import org.refam.core.testproviders.TestProviders.KeepAllTokenFilterProvider;
import org.refam.core.testproviders.TestProviders.NoneRedistributorProvider;
import org.refam.core.testproviders.TestProviders.NoopSinkHandlerProvider;

/**
 * Lookup by name, choice by priority and the error messages of {@link Backends}. Each test registers its
 * providers in {@code META-INF/services} files written to a temporary folder and read through a class loader
 * that sees only that folder's service files, so the result does not depend on what else is on the class path.
 */
class BackendsTest {
    @TempDir
    Path dir;

    private final List<URLClassLoader> loaders = new ArrayList<>();

    @AfterEach
    void closeLoaders() throws IOException {
        for (URLClassLoader l : loaders) {
            l.close();
        }
    }

    /** A loader whose service files are exactly the ones given: SPI type to provider classes. */
    private ClassLoader services(Map<Class<?>, List<Class<?>>> registrations) throws IOException {
        Path root = Files.createTempDirectory(dir, "cp");
        Path servicesDir = Files.createDirectories(root.resolve("META-INF/services"));
        for (Map.Entry<Class<?>, List<Class<?>>> e : registrations.entrySet()) {
            StringBuilder sb = new StringBuilder("# written by BackendsTest\n");
            for (Class<?> c : e.getValue()) {
                sb.append(c.getName()).append('\n');
            }
            Files.writeString(servicesDir.resolve(e.getKey().getName()), sb.toString(), StandardCharsets.UTF_8);
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return findResources(name); // only this folder's service files; classes still come from the parent
            }
        };
        loaders.add(loader);
        return loader;
    }

    private ClassLoader extractors(Class<?>... providers) throws IOException {
        return services(Map.of(AttentionExtractorProvider.class, List.of(providers)));
    }

    private ClassLoader allKinds() throws IOException {
        Map<Class<?>, List<Class<?>>> m = new HashMap<>();
        m.put(AttentionExtractorProvider.class, List.of(AlphaExtractorProvider.class, BetaExtractorProvider.class));
        m.put(TokenFilterProvider.class, List.of(KeepAllTokenFilterProvider.class));
        m.put(SinkHandlerProvider.class, List.of(NoopSinkHandlerProvider.class));
        m.put(RedistributorProvider.class, List.of(NoneRedistributorProvider.class));
        return services(m);
    }

    @Test
    void findsAnExtractorProviderByNameIgnoringCase() throws IOException {
        ClassLoader cl = extractors(AlphaExtractorProvider.class, BetaExtractorProvider.class);

        assertThat(Backends.extractorProvider("alpha", cl)).isInstanceOf(AlphaExtractorProvider.class);
        assertThat(Backends.extractorProvider(" ALPHA ", cl)).isInstanceOf(AlphaExtractorProvider.class);
        assertThat(Backends.extractorProvider("beta", cl)).isInstanceOf(BetaExtractorProvider.class);
    }

    @Test
    void opensTheNamedExtractorEvenWhenAnotherHasHigherPriority() throws IOException {
        ClassLoader cl = extractors(AlphaExtractorProvider.class, BetaExtractorProvider.class);
        ExtractorOptions opts = ExtractorOptions.builder().device("cpu").property("k", "v").build();

        AttentionExtractor ex = Backends.openExtractor("alpha", opts, cl);

        assertThat(ex).isInstanceOf(TestProviders.StubExtractor.class);
        assertThat(((TestProviders.StubExtractor) ex).openedBy).isEqualTo("alpha");
        assertThat(((TestProviders.StubExtractor) ex).options).isSameAs(opts);
    }

    @Test
    void automaticChoiceTakesTheHighestPriority() throws IOException {
        ClassLoader cl = extractors(AlphaExtractorProvider.class, BetaExtractorProvider.class);

        for (String auto : new String[] {null, "auto", " AUTO ", ""}) {
            AttentionExtractor ex = Backends.openExtractor(auto, null, cl);
            assertThat(((TestProviders.StubExtractor) ex).openedBy).as("name %s", auto).isEqualTo("beta");
            assertThat(((TestProviders.StubExtractor) ex).options.device()).isEqualTo("auto");
        }
    }

    @Test
    void priorityTiesGoToTheFirstNameAlphabetically() throws IOException {
        ClassLoader cl = extractors(GammaExtractorProvider.class, AlphaExtractorProvider.class,
                BetaExtractorProvider.class);

        AttentionExtractor ex = Backends.openExtractor(null, ExtractorOptions.defaults(), cl);

        assertThat(((TestProviders.StubExtractor) ex).openedBy).isEqualTo("beta");
    }

    @Test
    void unknownWellKnownNameListsAvailableNamesAndTheJarToAdd() throws IOException {
        ClassLoader cl = extractors(BetaExtractorProvider.class, AlphaExtractorProvider.class);

        assertThatThrownBy(() -> Backends.openExtractor("onnx", ExtractorOptions.defaults(), cl))
                .isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("'onnx'")
                .hasMessageContaining("[alpha, beta]")
                .hasMessageContaining("Add refam-onnx to the class path for 'onnx'");
    }

    @Test
    void unknownOtherNameListsAvailableNamesAndTheServiceFile() throws IOException {
        ClassLoader cl = extractors(AlphaExtractorProvider.class);

        assertThatThrownBy(() -> Backends.extractorProvider("mochi", cl))
                .isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("'mochi'")
                .hasMessageContaining("[alpha]")
                .hasMessageContaining("META-INF/services/org.refam.api.AttentionExtractorProvider")
                .hasMessageContaining("refam-onnx for 'onnx'");
    }

    @Test
    void noExtractorAtAllFailsTheAutomaticChoiceWithAHint() throws IOException {
        ClassLoader cl = services(Map.of());

        assertThat(Backends.availableExtractors(cl)).isEmpty();
        assertThatThrownBy(() -> Backends.openExtractor(null, null, cl))
                .isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("no attention extractor provider")
                .hasMessageContaining("refam-onnx");
    }

    @Test
    void duplicateNamesAreAnErrorNamingBothClasses() throws IOException {
        ClassLoader cl = extractors(AlphaExtractorProvider.class, BetaExtractorProvider.class,
                DuplicateBetaExtractorProvider.class);

        for (Runnable call : List.<Runnable>of(
                () -> Backends.extractorProvider("alpha", cl),
                () -> Backends.openExtractor(null, null, cl),
                () -> Backends.availableExtractors(cl))) {
            assertThatThrownBy(call::run)
                    .isExactlyInstanceOf(RefAmException.class)
                    .hasMessageContaining(BetaExtractorProvider.class.getName())
                    .hasMessageContaining(DuplicateBetaExtractorProvider.class.getName())
                    .hasMessageContaining("'Beta'");
        }
    }

    @Test
    void aProviderThatCannotBeInstantiatedIsSkippedAndQuotedWhenAskedFor() throws IOException {
        ClassLoader cl = extractors(BrokenExtractorProvider.class, AlphaExtractorProvider.class);

        assertThat(Backends.availableExtractors(cl)).containsOnlyKeys("alpha");
        assertThat(((TestProviders.StubExtractor) Backends.openExtractor(null, null, cl)).openedBy)
                .isEqualTo("alpha");
        assertThatThrownBy(() -> Backends.extractorProvider("broken", cl))
                .isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("[alpha]")
                .hasMessageContaining(BrokenExtractorProvider.class.getName())
                .hasMessageContaining("broken on purpose");
    }

    @Test
    void listingsAreSortedByNameWithDescriptions() throws IOException {
        ClassLoader cl = extractors(GammaExtractorProvider.class, AlphaExtractorProvider.class,
                BetaExtractorProvider.class);

        assertThat(Backends.availableExtractors(cl)).containsExactly(
                Map.entry("alpha", "test extractor alpha"),
                Map.entry("beta", "test extractor beta"),
                Map.entry("gamma", "test extractor gamma"));
    }

    @Test
    void createsTokenFiltersSinkHandlersAndRedistributorsWithTheirOptions() throws IOException {
        ClassLoader cl = allKinds();
        Map<String, String> opts = Map.of("stopWords", "the,a");

        assertThat(((TestProviders.RecordingTokenFilter) Backends.tokenFilter("keep-all", opts, cl)).options)
                .isEqualTo(opts);
        assertThat(((TestProviders.RecordingTokenFilter) Backends.tokenFilter("KEEP-ALL", null, cl)).options)
                .isEmpty();
        assertThat(((TestProviders.RecordingSinkHandler) Backends.sinkHandler("noop", opts, cl)).options)
                .isEqualTo(opts);
        assertThat(((TestProviders.RecordingRedistributor) Backends.redistributor("none", null, cl)).options)
                .isEmpty();
        assertThat(Backends.tokenFilterProvider("keep-all", cl)).isInstanceOf(KeepAllTokenFilterProvider.class);
        assertThat(Backends.sinkHandlerProvider("noop", cl)).isInstanceOf(NoopSinkHandlerProvider.class);
        assertThat(Backends.redistributorProvider("none", cl)).isInstanceOf(NoneRedistributorProvider.class);
    }

    @Test
    void listsEveryKind() throws IOException {
        ClassLoader cl = allKinds();

        assertThat(Backends.availableExtractors(cl)).containsOnlyKeys("alpha", "beta");
        assertThat(Backends.availableTokenFilters(cl)).containsExactly(Map.entry("keep-all", "keep-all"));
        assertThat(Backends.availableSinkHandlers(cl)).containsExactly(Map.entry("noop", "does nothing"));
        assertThat(Backends.availableRedistributors(cl)).containsExactly(Map.entry("none", "none"));
    }

    @Test
    void unknownOrBlankNamesOfTheOtherKindsFailWithTheAvailableNames() throws IOException {
        ClassLoader cl = allKinds();

        assertThatThrownBy(() -> Backends.tokenFilter("stop-words", Map.of(), cl))
                .isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("no token filter named 'stop-words'")
                .hasMessageContaining("[keep-all]")
                .hasMessageContaining("META-INF/services/org.refam.api.TokenFilterProvider");
        assertThatThrownBy(() -> Backends.sinkHandler("redirect", Map.of(), cl))
                .isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("[noop]");
        assertThatThrownBy(() -> Backends.redistributor(" ", Map.of(), cl))
                .isInstanceOf(BackendNotFoundException.class)
                .hasMessageContaining("no redistributor name given")
                .hasMessageContaining("[none]");
    }

    @Test
    void providerOptionErrorsPropagate() throws IOException {
        ClassLoader cl = allKinds();

        assertThatThrownBy(() -> Backends.tokenFilter("keep-all", Map.of("bogus", "1"), cl))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus");
    }

    @Test
    void overloadsWithoutALoaderUseTheContextClassLoader() throws IOException {
        ClassLoader cl = allKinds();
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(cl);
        try {
            assertThat(Backends.extractorProvider("alpha")).isInstanceOf(AlphaExtractorProvider.class);
            assertThat(((TestProviders.StubExtractor) Backends.openExtractor(null, null)).openedBy)
                    .isEqualTo("beta");
            assertThat(Backends.availableExtractors()).containsOnlyKeys("alpha", "beta");
            assertThat(Backends.tokenFilter("keep-all", Map.of())).isNotNull();
            assertThat(Backends.availableTokenFilters()).containsOnlyKeys("keep-all");
            assertThat(Backends.sinkHandler("noop", Map.of())).isNotNull();
            assertThat(Backends.availableSinkHandlers()).containsOnlyKeys("noop");
            assertThat(Backends.redistributor("none", Map.of())).isNotNull();
            assertThat(Backends.availableRedistributors()).containsOnlyKeys("none");
        } finally {
            t.setContextClassLoader(saved);
        }
    }
}
