package org.refam.core.text;

import java.util.List;
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
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class MagnetRedistributor implements Redistributor {
    private static final Logger LOG = LoggerFactory.getLogger(MagnetRedistributor.class);

    /** The magnets of the paper's token-level figure: ".", "with", "a", "the", "pink". */
    public static final List<String> DEFAULT_WORDS = List.of(".", "with", "a", "the", "pink");

    private final List<String> words;

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
        for (int k = 0; k < words.size(); k++) {
            int segment = out.segments().size();
            List<Token> tokens = tokenizer.encode(words.get(k), segment, TokenRole.MAGNET);
            if (out.size() + tokens.size() > tokenizer.maxLength()) {
                LOG.warn("dropping magnets {} : the prompt '{}' has {} tokens and the model's text length is {}",
                        words.subList(k, words.size()), expression.expression(), out.size(), tokenizer.maxLength());
                break;
            }
            out = out.withSegment(words.get(k), tokens);
        }
        return out;
    }

    @Override
    public String toString() {
        return "MagnetRedistributor" + words;
    }
}
