package org.refam.core.testproviders;

import java.util.Map;
import java.util.Set;

import org.refam.api.AttentionExtractor;
import org.refam.api.AttentionExtractorProvider;
import org.refam.api.AttentionMaps;
import org.refam.api.BlockSinks;
import org.refam.api.ExtractionRequest;
import org.refam.api.ExtractorOptions;
import org.refam.api.ModelInfo;
import org.refam.api.PromptTokenizer;
import org.refam.api.Redistributor;
import org.refam.api.RedistributorProvider;
import org.refam.api.SinkHandler;
import org.refam.api.SinkHandlerProvider;
import org.refam.api.SinkWorkspace;
import org.refam.api.TokenFilter;
import org.refam.api.TokenFilterProvider;
import org.refam.api.TokenSelection;
import org.refam.api.TokenizedPrompt;

/**
 * Providers that exist only for {@code BackendsTest}. They are registered in service files that the test writes
 * into a temporary folder and reads through an isolated class loader, never on the shared test class path, so
 * other tests that look up backends do not see them.
 */
public final class TestProviders {
    private TestProviders() {
    }

    /** An extractor that only remembers which provider opened it and with which options. */
    public static final class StubExtractor implements AttentionExtractor {
        public final String openedBy;
        public final ExtractorOptions options;

        StubExtractor(String openedBy, ExtractorOptions options) {
            this.openedBy = openedBy;
            this.options = options;
        }

        @Override
        public ModelInfo info() {
            throw new UnsupportedOperationException("stub");
        }

        @Override
        public PromptTokenizer tokenizer() {
            throw new UnsupportedOperationException("stub");
        }

        @Override
        public AttentionMaps extract(ExtractionRequest request) {
            throw new UnsupportedOperationException("stub");
        }

        @Override
        public void close() {
        }
    }

    abstract static class BaseExtractorProvider implements AttentionExtractorProvider {
        private final String name;
        private final int priority;

        BaseExtractorProvider(String name, int priority) {
            this.name = name;
            this.priority = priority;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "test extractor " + name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public AttentionExtractor open(ExtractorOptions options) {
            return new StubExtractor(name, options);
        }
    }

    /** "alpha", priority 5. */
    public static final class AlphaExtractorProvider extends BaseExtractorProvider {
        public AlphaExtractorProvider() {
            super("alpha", 5);
        }
    }

    /** "beta", priority 10: the automatic choice when registered with alpha. */
    public static final class BetaExtractorProvider extends BaseExtractorProvider {
        public BetaExtractorProvider() {
            super("beta", 10);
        }
    }

    /** "Beta" (differs from beta only in case), priority 1: a duplicate of beta. */
    public static final class DuplicateBetaExtractorProvider extends BaseExtractorProvider {
        public DuplicateBetaExtractorProvider() {
            super("Beta", 1);
        }
    }

    /** "gamma", priority 10: ties with beta. */
    public static final class GammaExtractorProvider extends BaseExtractorProvider {
        public GammaExtractorProvider() {
            super("gamma", 10);
        }
    }

    /** Cannot be instantiated: stands for a broken service entry. */
    public static final class BrokenExtractorProvider extends BaseExtractorProvider {
        public BrokenExtractorProvider() {
            super("broken", 100);
            throw new IllegalStateException("broken on purpose");
        }
    }

    /** A token filter that carries the options it was created with. */
    public static final class RecordingTokenFilter implements TokenFilter {
        public final Map<String, String> options;

        RecordingTokenFilter(Map<String, String> options) {
            this.options = options;
        }

        @Override
        public TokenSelection select(TokenizedPrompt prompt, Set<Integer> sinkPositions) {
            throw new UnsupportedOperationException("stub");
        }
    }

    /** Token filter "keep-all". */
    public static final class KeepAllTokenFilterProvider implements TokenFilterProvider {
        @Override
        public String name() {
            return "keep-all";
        }

        @Override
        public TokenFilter create(Map<String, String> options) {
            if (options.containsKey("bogus")) {
                throw new IllegalArgumentException("unknown option 'bogus'");
            }
            return new RecordingTokenFilter(options);
        }
    }

    /** A sink handler that carries the options it was created with. */
    public static final class RecordingSinkHandler implements SinkHandler {
        public final Map<String, String> options;

        RecordingSinkHandler(Map<String, String> options) {
            this.options = options;
        }

        @Override
        public BlockSinks handle(SinkWorkspace workspace) {
            throw new UnsupportedOperationException("stub");
        }
    }

    /** Sink handler "noop". */
    public static final class NoopSinkHandlerProvider implements SinkHandlerProvider {
        @Override
        public String name() {
            return "noop";
        }

        @Override
        public String description() {
            return "does nothing";
        }

        @Override
        public SinkHandler create(Map<String, String> options) {
            return new RecordingSinkHandler(options);
        }
    }

    /** A redistributor that carries the options it was created with. */
    public static final class RecordingRedistributor implements Redistributor {
        public final Map<String, String> options;

        RecordingRedistributor(Map<String, String> options) {
            this.options = options;
        }

        @Override
        public TokenizedPrompt redistribute(TokenizedPrompt expression, PromptTokenizer tokenizer) {
            return expression;
        }
    }

    /** Redistributor "none". */
    public static final class NoneRedistributorProvider implements RedistributorProvider {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Redistributor create(Map<String, String> options) {
            return new RecordingRedistributor(options);
        }
    }
}
