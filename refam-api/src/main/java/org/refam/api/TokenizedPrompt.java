package org.refam.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A prompt as the model sees it: the expression's tokens, then (after redistribution) each magnet word's tokens
 * with their own end token, then padding. Positions in {@link #tokens()} are the text-key indices of the
 * attention tensors.
 *
 * @param segments the text of each segment: index 0 is the expression, 1..k the magnet words in order
 * @param tokens every token in model order
 * @param truncatedTokens how many tokens did not fit the model's text length and were dropped (0 when none);
 *     truncation is reported, never silent
 *
 * <p>Thread-safety: immutable.
 */
public record TokenizedPrompt(List<String> segments, List<Token> tokens, int truncatedTokens) {
    public TokenizedPrompt {
        if (segments == null || segments.isEmpty()) {
            throw new IllegalArgumentException("a prompt needs at least the expression segment");
        }
        segments = List.copyOf(segments);
        tokens = List.copyOf(tokens);
        if (truncatedTokens < 0) {
            throw new IllegalArgumentException("negative truncated token count " + truncatedTokens);
        }
        for (Token t : tokens) {
            if (t.segment() >= segments.size()) {
                throw new IllegalArgumentException("token '" + t.text() + "' refers to segment " + t.segment()
                        + " but the prompt has " + segments.size() + " segments");
            }
        }
    }

    /** The referring expression (segment 0). */
    public String expression() {
        return segments.get(0);
    }

    /** Number of tokens, i.e. the number of text keys the model attends to. */
    public int size() {
        return tokens.size();
    }

    /** Token at position {@code i}. */
    public Token token(int i) {
        return tokens.get(i);
    }

    /** The magnet words appended to the expression, in order (empty without redistribution). */
    public List<String> magnets() {
        return segments.subList(1, segments.size());
    }

    /** Positions of the tokens with the given role. */
    public int[] positionsOf(TokenRole role) {
        // by index, not tokens.indexOf: equal tokens (every padding token) would all map to the first one
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).role() == role) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Positions of the auxiliary tokens (all tokens of segments 1..k, magnet pieces and their end tokens). */
    public int[] auxiliaryPositions() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isAuxiliary()) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A new prompt with {@code extra} appended as a new segment (e.g. a magnet word) made of {@code extraTokens}. */
    public TokenizedPrompt withSegment(String extra, List<Token> extraTokens) {
        List<String> seg = new ArrayList<>(segments);
        seg.add(extra);
        List<Token> all = new ArrayList<>(tokens);
        all.addAll(extraTokens);
        return new TokenizedPrompt(seg, all, truncatedTokens);
    }

    /** Convenience for a prompt made of the expression alone. */
    public static TokenizedPrompt ofExpression(String expression, List<Token> tokens) {
        return new TokenizedPrompt(List.of(expression), tokens, 0);
    }
}
