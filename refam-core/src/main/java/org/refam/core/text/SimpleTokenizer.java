package org.refam.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.refam.api.InvalidExpressionException;
import org.refam.api.PromptTokenizer;
import org.refam.api.Token;
import org.refam.api.TokenRole;

/**
 * A small T5-like word-level tokenizer for fixtures, tests and backends without a tokenizer file: each
 * whitespace-separated word is split into runs of letters/digits and single punctuation characters, the
 * first piece of a word carries the SentencePiece word mark {@code ▁}, and every encoded segment ends with
 * {@code </s>} (id 1). Padding is {@code <pad>} (id 0), unknown pieces are {@code <unk>} (id 2), as in T5.
 *
 * <p>Ids come from the given vocabulary; without one, a piece's id is a stable hash of its lower-case form
 * in [3, 32003). Character spans are offsets into the segment's text.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class SimpleTokenizer implements PromptTokenizer {
    /** The SentencePiece word-boundary mark T5 prefixes to word-initial pieces. */
    public static final String WORD_MARK = "\u2581";
    private static final int PAD_ID = 0;
    private static final int EOS_ID = 1;
    private static final int UNK_ID = 2;
    private static final int HASH_RANGE = 32000;

    private final int maxLength;
    private final Map<String, Integer> vocabulary;

    /** A tokenizer with hashed ids and the given text length. */
    public SimpleTokenizer(int maxLength) {
        this(maxLength, null);
    }

    /**
     * @param maxLength the model's text length, at least 2
     * @param vocabulary lower-case piece (without the word mark) to id, or {@code null} for hashed ids
     */
    public SimpleTokenizer(int maxLength, Map<String, Integer> vocabulary) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        this.maxLength = maxLength;
        this.vocabulary = vocabulary == null ? null : Map.copyOf(vocabulary);
    }

    @Override
    public List<Token> encode(String text, int segment, TokenRole role) {
        if (text == null || text.isBlank()) {
            throw new InvalidExpressionException("cannot tokenize an empty or blank text: '" + text + "'");
        }
        List<Token> out = new ArrayList<>();
        int word = -1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
                continue;
            }
            word++;
            boolean first = true;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                int start = i;
                if (Character.isLetterOrDigit(text.charAt(i))) {
                    while (i < n && Character.isLetterOrDigit(text.charAt(i))) {
                        i++;
                    }
                } else {
                    i++;
                }
                String piece = text.substring(start, i);
                out.add(new Token(idOf(piece), first ? WORD_MARK + piece : piece, segment, start, i, word, role));
                first = false;
            }
        }
        out.add(new Token(EOS_ID, "</s>", segment, -1, -1, -1, TokenRole.SPECIAL));
        return out;
    }

    private int idOf(String piece) {
        String key = piece.toLowerCase(Locale.ROOT);
        if (vocabulary != null) {
            return vocabulary.getOrDefault(key, UNK_ID);
        }
        return 3 + Math.floorMod(key.hashCode(), HASH_RANGE);
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    @Override
    public Token paddingToken() {
        return new Token(PAD_ID, "<pad>", 0, -1, -1, -1, TokenRole.PADDING);
    }
}
