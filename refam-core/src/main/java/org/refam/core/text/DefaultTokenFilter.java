package org.refam.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.refam.api.FilterReason;
import org.refam.api.Token;
import org.refam.api.TokenDecision;
import org.refam.api.TokenFilter;
import org.refam.api.TokenRole;
import org.refam.api.TokenSelection;
import org.refam.api.TokenizedPrompt;

/**
 * The default {@link TokenFilter} (method.md section 2, step 7): drops padding, special tokens (end of
 * sequence, a lone {@code ▁}), magnet tokens, detected sinks, punctuation and English stop words
 * ({@link StopWords}) and the words of a relation's anchor; optionally keeps only the referring noun phrase. Each
 * rule can be switched off, which is how the ablation table is produced.
 *
 * <p>The first rule that applies names the reason, in this order: padding, special, magnet, sink, punctuation,
 * stop word, outside the noun phrase, relation anchor.
 *
 * <p>Noun-phrase filtering (unpublished in detail in the paper) is a heuristic: the referring noun phrase is the
 * expression's words before the first word that opens a modifier clause ({@link #CLAUSE_OPENERS}: prepositions
 * and relative pronouns), e.g. "the red circle | above the green star". Off by default.
 *
 * <p>Anchor filtering (a heuristic, on by default: on the RefShapes development split it lifted relational
 * expressions from 32% to 49% point accuracy and changed no other kind; docs/pipeline.md) keeps the words that
 * locate the target itself and drops those of another object the expression locates it by. The words after the
 * head noun phrase are split into clauses, one at each preposition or relative pronoun ({@link #CLAUSE_OPENERS}
 * less the {@link #LOCATION_WORDS});
 * a clause that names an object (a content word that is not a location word) is the anchor of a relation and is
 * dropped with its preposition ("the triangle | above the green star"), and so is a location clause followed by
 * one that opens with "of" ("the red diamond | to the right of the green diamond") and a bare connector before an
 * anchor ("next | to the car"); location clauses ("a red cross on the right", "the man on the left") and clauses
 * without content words are kept. Unlike noun-phrase filtering it keeps locations, which referring
 * expressions use constantly.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class DefaultTokenFilter implements TokenFilter {
    /** Words that end the head noun phrase for noun-phrase filtering. */
    public static final Set<String> CLAUSE_OPENERS = Set.of("on", "in", "at", "to", "of", "with", "near", "next",
            "above", "below", "under", "over", "behind", "beside", "between", "left", "right", "that", "which",
            "who", "whose", "from", "by", "inside", "outside", "around");

    /**
     * Words that name a place in the image rather than an object; a clause made of them locates the target (anchor
     * filtering keeps it).
     */
    public static final Set<String> LOCATION_WORDS = Set.of("left", "right", "top", "bottom", "center", "centre",
            "middle", "upper", "lower", "corner", "side", "front", "back", "leftmost", "rightmost", "topmost",
            "bottommost");

    private final boolean dropStopWords;
    private final boolean dropPunctuation;
    private final boolean dropSpecial;
    private final boolean dropPadding;
    private final boolean dropMagnets;
    private final boolean dropSinks;
    private final boolean nounPhraseOnly;
    private final boolean dropAnchors;
    private final Set<String> stopWords;

    private DefaultTokenFilter(Builder b) {
        this.dropStopWords = b.dropStopWords;
        this.dropPunctuation = b.dropPunctuation;
        this.dropSpecial = b.dropSpecial;
        this.dropPadding = b.dropPadding;
        this.dropMagnets = b.dropMagnets;
        this.dropSinks = b.dropSinks;
        this.nounPhraseOnly = b.nounPhraseOnly;
        this.dropAnchors = b.dropAnchors;
        Set<String> s = new HashSet<>(StopWords.ENGLISH);
        s.addAll(b.extraStopWords);
        s.removeAll(b.keptWords);
        this.stopWords = Set.copyOf(s);
    }

    /** The default filter: every rule on (anchor filtering included) except noun-phrase filtering. */
    public static DefaultTokenFilter standard() {
        return builder().build();
    }

    /** A filter that keeps every token (the "raw" ablation row). */
    public static DefaultTokenFilter keepAll() {
        return builder().dropStopWords(false).dropPunctuation(false).dropSpecial(false).dropPadding(false)
                .dropMagnets(false).dropSinks(false).dropAnchors(false).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TokenSelection select(TokenizedPrompt prompt, Set<Integer> sinkPositions) {
        List<List<String>> words = new ArrayList<>();
        for (String segment : prompt.segments()) {
            words.add(List.of(segment.trim().split("\\s+")));
        }
        int phraseEnd = nounPhraseOnly ? nounPhraseEnd(words.get(0)) : Integer.MAX_VALUE;
        boolean[] anchor = dropAnchors ? anchorWords(words.get(0)) : new boolean[0];
        List<TokenDecision> out = new ArrayList<>(prompt.size());
        for (int i = 0; i < prompt.size(); i++) {
            out.add(new TokenDecision(i, reason(prompt.token(i), i, sinkPositions, words, phraseEnd, anchor)));
        }
        return new TokenSelection(out);
    }

    private FilterReason reason(Token t, int position, Set<Integer> sinks, List<List<String>> words, int phraseEnd,
                                boolean[] anchor) {
        if (t.role() == TokenRole.PADDING) {
            return dropPadding ? FilterReason.PADDING : FilterReason.KEPT;
        }
        if (t.role() == TokenRole.SPECIAL || isLoneWordMark(t)) {
            return dropSpecial ? FilterReason.SPECIAL : FilterReason.KEPT;
        }
        if (t.role() == TokenRole.MAGNET || t.isAuxiliary()) {
            return dropMagnets ? FilterReason.MAGNET : FilterReason.KEPT;
        }
        if (dropSinks && sinks.contains(position)) {
            return FilterReason.SINK;
        }
        if (dropPunctuation && isPunctuation(t.text())) {
            return FilterReason.PUNCTUATION;
        }
        String word = wordOf(t, words);
        if (dropStopWords && word != null && stopWords.contains(StopWords.normalize(word))) {
            return FilterReason.STOP_WORD;
        }
        if (t.wordIndex() >= phraseEnd) {
            return FilterReason.NOT_IN_NOUN_PHRASE;
        }
        if (t.segment() == 0 && t.wordIndex() >= 0 && t.wordIndex() < anchor.length && anchor[t.wordIndex()]) {
            return FilterReason.RELATION_ANCHOR;
        }
        return FilterReason.KEPT;
    }

    private static boolean isLoneWordMark(Token t) {
        return t.text().equals(SimpleTokenizer.WORD_MARK);
    }

    private static String wordOf(Token t, List<List<String>> words) {
        List<String> segmentWords = words.get(t.segment());
        if (t.wordIndex() < 0 || t.wordIndex() >= segmentWords.size()) {
            return null;
        }
        return segmentWords.get(t.wordIndex());
    }

    static boolean isPunctuation(String text) {
        String s = text.replace(SimpleTokenizer.WORD_MARK, "");
        if (s.isEmpty()) {
            return false;
        }
        return s.codePoints().noneMatch(Character::isLetterOrDigit);
    }

    private static int nounPhraseEnd(List<String> expressionWords) {
        for (int w = 1; w < expressionWords.size(); w++) {
            if (CLAUSE_OPENERS.contains(StopWords.normalize(expressionWords.get(w)))) {
                return w;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** Per word of the expression: whether it belongs to a relation's anchor clause (see the class comment). */
    private boolean[] anchorWords(List<String> expressionWords) {
        int n = expressionWords.size();
        List<Integer> starts = new ArrayList<>();
        for (int w = 1; w < n; w++) {
            String word = StopWords.normalize(expressionWords.get(w));
            if (CLAUSE_OPENERS.contains(word) && !LOCATION_WORDS.contains(word)) {
                starts.add(w);
            }
        }
        boolean[] anchor = new boolean[n];
        boolean nextIsAnchor = false;
        // right to left: "next | to the car" — a bare connector belongs to the clause after it
        for (int c = starts.size() - 1; c >= 0; c--) {
            int from = starts.get(c);
            int to = c + 1 < starts.size() ? starts.get(c + 1) : n;
            boolean ofFollows = to < n && StopWords.normalize(expressionWords.get(to)).equals("of");
            ClauseKind kind = clauseKind(expressionWords.subList(from + 1, to));
            boolean isAnchor = kind == ClauseKind.OBJECT || kind == ClauseKind.LOCATION && ofFollows
                    || kind == ClauseKind.EMPTY && nextIsAnchor;
            if (isAnchor) {
                Arrays.fill(anchor, from, to, true);
            }
            nextIsAnchor = isAnchor;
        }
        return anchor;
    }

    private enum ClauseKind { EMPTY, LOCATION, OBJECT }

    /** OBJECT when a content word is not a location word, else LOCATION when it holds one, else EMPTY. */
    private ClauseKind clauseKind(List<String> clause) {
        ClauseKind kind = ClauseKind.EMPTY;
        for (String w : clause) {
            String word = StopWords.normalize(w);
            if (LOCATION_WORDS.contains(word)) {
                kind = ClauseKind.LOCATION;
            } else if (!stopWords.contains(word) && !isPunctuation(word) && !word.isEmpty()) {
                return ClauseKind.OBJECT;
            }
        }
        return kind;
    }

    @Override
    public String toString() {
        return "DefaultTokenFilter{stopWords=" + dropStopWords + ", punctuation=" + dropPunctuation + ", special="
                + dropSpecial + ", padding=" + dropPadding + ", magnets=" + dropMagnets + ", sinks=" + dropSinks
                + ", nounPhraseOnly=" + nounPhraseOnly + ", dropAnchors=" + dropAnchors + "}";
    }

    /** Mutable builder; not thread-safe. Every rule defaults to on except {@link #nounPhraseOnly}. */
    public static final class Builder {
        private boolean dropStopWords = true;
        private boolean dropPunctuation = true;
        private boolean dropSpecial = true;
        private boolean dropPadding = true;
        private boolean dropMagnets = true;
        private boolean dropSinks = true;
        private boolean nounPhraseOnly;
        private boolean dropAnchors = true;
        private final Set<String> extraStopWords = new HashSet<>();
        private final Set<String> keptWords = new HashSet<>();

        private Builder() {
        }

        public Builder dropStopWords(boolean v) {
            dropStopWords = v;
            return this;
        }

        public Builder dropPunctuation(boolean v) {
            dropPunctuation = v;
            return this;
        }

        public Builder dropSpecial(boolean v) {
            dropSpecial = v;
            return this;
        }

        public Builder dropPadding(boolean v) {
            dropPadding = v;
            return this;
        }

        public Builder dropMagnets(boolean v) {
            dropMagnets = v;
            return this;
        }

        public Builder dropSinks(boolean v) {
            dropSinks = v;
            return this;
        }

        public Builder nounPhraseOnly(boolean v) {
            nounPhraseOnly = v;
            return this;
        }

        /** Drops the words of a relation's anchor ("the triangle above | the green star"); see the class comment. */
        public Builder dropAnchors(boolean v) {
            dropAnchors = v;
            return this;
        }

        /** Words (any case) to treat as stop words in addition to {@link StopWords#ENGLISH}. */
        public Builder extraStopWords(Set<String> words) {
            words.forEach(w -> extraStopWords.add(w.toLowerCase(Locale.ROOT)));
            return this;
        }

        /** Words (any case) to keep even though {@link StopWords#ENGLISH} lists them. */
        public Builder keptWords(Set<String> words) {
            words.forEach(w -> keptWords.add(w.toLowerCase(Locale.ROOT)));
            return this;
        }

        public DefaultTokenFilter build() {
            return new DefaultTokenFilter(this);
        }
    }
}
