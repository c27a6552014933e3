package org.refam.core.text;

import java.util.Locale;
import java.util.Set;

/**
 * The English stop-word list used to drop function words from the heat map (method.md section 2, step 7).
 *
 * <p>Source: the English list of NLTK's {@code stopwords} corpus (the 127 classic entries: pronouns,
 * determiners, auxiliaries, conjunctions and prepositions), with the negation contractions left out, minus
 * the words that carry location in referring expressions ({@code above, below, up, down, over, under, on, off,
 * in, out, left, right, top, bottom, front, behind}): RefAM's spatial bias (section 2, step 7) needs them, so
 * they are not stop words here. Add them back through {@link DefaultTokenFilter.Builder#extraStopWords} when a
 * model does not use them.
 *
 * <p>Thread-safety: immutable.
 */
public final class StopWords {
    /** The default list, lower case. */
    public static final Set<String> ENGLISH = Set.of(
            "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
            "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
            "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that",
            "these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
            "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as",
            "until", "while", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through",
            "during", "before", "after", "to", "from", "again", "further", "then", "once", "here", "there",
            "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most", "other", "some",
            "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can",
            "will", "just", "don", "should", "now");

    private StopWords() {
    }

    /** True when {@code word} (any case, surrounding punctuation ignored) is in {@link #ENGLISH}. */
    public static boolean isStopWord(String word) {
        return ENGLISH.contains(normalize(word));
    }

    /** Lower case with leading/trailing non-letter, non-digit characters and the SentencePiece mark removed. */
    static String normalize(String word) {
        String w = word.replace("\u2581", "").toLowerCase(Locale.ROOT);
        int s = 0;
        int e = w.length();
        while (s < e && !Character.isLetterOrDigit(w.charAt(s))) {
            s++;
        }
        while (e > s && !Character.isLetterOrDigit(w.charAt(e - 1))) {
            e--;
        }
        return w.substring(s, e);
    }
}
