package org.refam.core.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.refam.api.PromptTokenizer;
import org.refam.api.Redistributor;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends attention-magnet words to the expression (method.md section 2, step 1): each word is tokenized on its
 * own with its own end token and appended after the expression's tokens, as in the paper's token-level figure
 * ({@code ▁ a ▁largest ▁orange ▁gold fish </s> | ▁ . </s> ▁with </s> ▁ a </s> ▁the </s> ▁pink </s>}).
 *
 * <p>The paper does not publish the exact list or count; the default is the five words of its figure,
 * {@link #DEFAULT_WORDS}. Magnets that would push the prompt past the model's text length are dropped (from the
 * end) with a warning: they are auxiliary, the expression is not.
 *
 * <p>The magnets' tokens do not depend on the expression, so they are tokenized once per tokenizer (and first
 * segment index) and reused; the cache holds its tokenizers weakly.
 *
 * <p>Thread-safety: thread-safe; its only state is that cache, behind a lock.
 */
public final class MagnetRedistributor implements Redistributor {
    private static final Logger LOG = LoggerFactory.getLogger(MagnetRedistributor.class);

    /** The magnets of the paper's token-level figure: ".", "with", "a", "the", "pink". */
    public static final List<String> DEFAULT_WORDS = List.of(".", "with", "a", "the", "pink");

    private final List<String> words;
    private final Map<PromptTokenizer, Encoded> cache = Collections.synchronizedMap(new WeakHashMap<>());

    /** The magnets tokenized for segments {@code firstSegment, firstSegment + 1, ...}. */
    private record Encoded(int firstSegment, List<List<Token>> tokens) {
    }

    /**
     * @param words the magnet words, in order; none may be blank (an empty list disables redistribution)
     */
    public MagnetRedistributor(List<String> words) {
        for (String w : words) {
            if (w == null || w.isBlank()) {
                throw new IllegalArgumentException("magnet words must not be blank: " + words);
            }
        }
        this.words = List.copyOf(words);
    }

    /** The paper's five magnets. */
    public static MagnetRedistributor standard() {
        return new MagnetRedistributor(DEFAULT_WORDS);
    }

    /** The magnet words. */
    public List<String> words() {
        return words;
    }

    @Override
    public TokenizedPrompt redistribute(TokenizedPrompt expression, PromptTokenizer tokenizer) {
        TokenizedPrompt out = expression;
        List<List<Token>> encoded = encoded(tokenizer, expression.segments().size());
        for (int k = 0; k < words.size(); k++) {
            List<Token> tokens = encoded.get(k);
            if (out.size() + tokens.size() > tokenizer.maxLength()) {
                LOG.warn("dropping magnets {} : the prompt '{}' has {} tokens and the model's text length is {}",
                        words.subList(k, words.size()), expression.expression(), out.size(), tokenizer.maxLength());
                break;
            }
            out = out.withSegment(words.get(k), tokens);
        }
        return out;
    }

    private List<List<Token>> encoded(PromptTokenizer tokenizer, int firstSegment) {
        Encoded e = cache.get(tokenizer);
        if (e != null && e.firstSegment() == firstSegment) {
            return e.tokens();
        }
        List<List<Token>> tokens = new ArrayList<>(words.size());
        for (int k = 0; k < words.size(); k++) {
            tokens.add(List.copyOf(tokenizer.encode(words.get(k), firstSegment + k, TokenRole.MAGNET)));
        }
        List<List<Token>> frozen = List.copyOf(tokens);
        cache.put(tokenizer, new Encoded(firstSegment, frozen));
        return frozen;
    }

    @Override
    public String toString() {
        return "MagnetRedistributor" + words;
    }
}
