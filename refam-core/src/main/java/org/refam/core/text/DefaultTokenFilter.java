package org.refam.core.text;

import java.util.ArrayList;
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
 * ({@link StopWords}); optionally keeps only the referring noun phrase. Each rule can be switched off, which is
 * how the ablation table is produced.
 *
 * <p>The first rule that applies names the reason, in this order: padding, special, magnet, sink, punctuation,
 * stop word, outside the noun phrase.
 *
 * <p>Noun-phrase filtering (unpublished in detail in the paper) is a heuristic: the referring noun phrase is the
 * expression's words before the first word that opens a modifier clause ({@link #CLAUSE_OPENERS}: prepositions
 * and relative pronouns), e.g. "the red circle | above the green star". Off by default.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class DefaultTokenFilter implements TokenFilter {
    /** Words that end the head noun phrase for noun-phrase filtering. */
    public static final Set<String> CLAUSE_OPENERS = Set.of("on", "in", "at", "to", "of", "with", "near", "next",
            "above", "below", "under", "over", "behind", "beside", "between", "left", "right", "that", "which",
            "who", "whose", "from", "by", "inside", "outside", "around");

    private final boolean dropStopWords;
    private final boolean dropPunctuation;
    private final boolean dropSpecial;
    private final boolean dropPadding;
    private final boolean dropMagnets;
    private final boolean dropSinks;
    private final boolean nounPhraseOnly;
    private final Set<String> stopWords;

    private DefaultTokenFilter(Builder b) {
        this.dropStopWords = b.dropStopWords;
        this.dropPunctuation = b.dropPunctuation;
        this.dropSpecial = b.dropSpecial;
        this.dropPadding = b.dropPadding;
        this.dropMagnets = b.dropMagnets;
        this.dropSinks = b.dropSinks;
        this.nounPhraseOnly = b.nounPhraseOnly;
        Set<String> s = new HashSet<>(StopWords.ENGLISH);
        s.addAll(b.extraStopWords);
        s.removeAll(b.keptWords);
        this.stopWords = Set.copyOf(s);
    }

    /** The default filter: every rule on except noun-phrase filtering. */
    public static DefaultTokenFilter standard() {
        return builder().build();
    }

    /** A filter that keeps every token (the "raw" ablation row). */
    public static DefaultTokenFilter keepAll() {
        return builder().dropStopWords(false).dropPunctuation(false).dropSpecial(false).dropPadding(false)
                .dropMagnets(false).dropSinks(false).build();
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
        List<TokenDecision> out = new ArrayList<>(prompt.size());
        for (int i = 0; i < prompt.size(); i++) {
            out.add(new TokenDecision(i, reason(prompt.token(i), i, sinkPositions, words, phraseEnd)));
        }
        return new TokenSelection(out);
    }

    private FilterReason reason(Token t, int position, Set<Integer> sinks, List<List<String>> words, int phraseEnd) {
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

    @Override
    public String toString() {
        return "DefaultTokenFilter{stopWords=" + dropStopWords + ", punctuation=" + dropPunctuation + ", special="
                + dropSpecial + ", padding=" + dropPadding + ", magnets=" + dropMagnets + ", sinks=" + dropSinks
                + ", nounPhraseOnly=" + nounPhraseOnly + "}";
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
