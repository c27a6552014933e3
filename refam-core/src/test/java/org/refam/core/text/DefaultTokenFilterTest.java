package org.refam.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.refam.api.FilterReason.KEPT;
import static org.refam.api.FilterReason.MAGNET;
import static org.refam.api.FilterReason.NOT_IN_NOUN_PHRASE;
import static org.refam.api.FilterReason.PADDING;
import static org.refam.api.FilterReason.PUNCTUATION;
import static org.refam.api.FilterReason.RELATION_ANCHOR;
import static org.refam.api.FilterReason.SINK;
import static org.refam.api.FilterReason.SPECIAL;
import static org.refam.api.FilterReason.STOP_WORD;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.refam.api.FilterReason;
import org.refam.api.Token;
import org.refam.api.TokenFilter;
import org.refam.api.TokenFilterProvider;
import org.refam.api.TokenRole;
import org.refam.api.TokenSelection;
import org.refam.api.TokenizedPrompt;

/** Reasons and switches of {@link DefaultTokenFilter}. */
class DefaultTokenFilterTest {
    private static final SimpleTokenizer TOK = new SimpleTokenizer(16);

    private static TokenizedPrompt prompt(String expression, List<String> magnets) {
        TokenizedPrompt p = Prompts.expression(expression, TOK, false);
        p = new MagnetRedistributor(magnets).redistribute(p, TOK);
        return Prompts.pad(p, TOK);
    }

    private static List<FilterReason> reasons(TokenFilter f, TokenizedPrompt p, Set<Integer> sinks) {
        return f.select(p, sinks).decisions().stream().map(d -> d.reason()).toList();
    }

    @Test
    void standardDropsEverythingButContentWordsWithTheFirstApplicableReason() {
        // ▁the ▁red ▁ball , ▁on ▁it </s> | ▁. </s> ▁pink </s> | <pad> x5
        TokenizedPrompt p = prompt("the red ball, on it", List.of(".", "pink"));
        assertThat(p.size()).isEqualTo(16);
        List<FilterReason> r = reasons(DefaultTokenFilter.standard(), p, Set.of());
        assertThat(r).containsExactly(STOP_WORD, KEPT, KEPT, PUNCTUATION, KEPT, STOP_WORD, SPECIAL,
                MAGNET, SPECIAL, MAGNET, SPECIAL, PADDING, PADDING, PADDING, PADDING, PADDING);
        TokenSelection s = DefaultTokenFilter.standard().select(p, Set.of(2, 0, 13));
        assertThat(s.decisions().get(2).reason()).isEqualTo(SINK);
        assertThat(s.decisions().get(0).reason()).as("sink before stop word").isEqualTo(SINK);
        assertThat(s.decisions().get(13).reason()).as("padding before sink").isEqualTo(PADDING);
        assertThat(s.keptPositions()).containsExactly(1, 4);
    }

    @Test
    void everyRuleCanBeSwitchedOff() {
        TokenizedPrompt p = prompt("the red ball, on it", List.of(".", "pink"));
        assertThat(reasons(DefaultTokenFilter.keepAll(), p, Set.of(1))).containsOnly(KEPT);
        DefaultTokenFilter noStop = DefaultTokenFilter.builder().dropStopWords(false).build();
        assertThat(noStop.select(p, Set.of()).keptPositions()).containsExactly(0, 1, 2, 4, 5);
        DefaultTokenFilter noPunct = DefaultTokenFilter.builder().dropPunctuation(false).build();
        assertThat(noPunct.select(p, Set.of()).keptPositions()).containsExactly(1, 2, 3, 4);
        DefaultTokenFilter noSpecial = DefaultTokenFilter.builder().dropSpecial(false).build();
        assertThat(noSpecial.select(p, Set.of()).keptPositions()).containsExactly(1, 2, 4, 6, 8, 10);
        DefaultTokenFilter noMagnets = DefaultTokenFilter.builder().dropMagnets(false).build();
        assertThat(noMagnets.select(p, Set.of()).keptPositions()).containsExactly(1, 2, 4, 7, 9);
        DefaultTokenFilter noPadding = DefaultTokenFilter.builder().dropPadding(false).build();
        assertThat(noPadding.select(p, Set.of()).keptPositions()).containsExactly(1, 2, 4, 11, 12, 13, 14, 15);
        DefaultTokenFilter noSinks = DefaultTokenFilter.builder().dropSinks(false).build();
        assertThat(noSinks.select(p, Set.of(1)).keptPositions()).containsExactly(1, 2, 4);
    }

    @Test
    void stopWordsCanBeAddedAndKept() {
        TokenizedPrompt p = prompt("the red ball", List.of());
        DefaultTokenFilter f = DefaultTokenFilter.builder().extraStopWords(Set.of("RED")).keptWords(Set.of("The"))
                .build();
        assertThat(reasons(f, p, Set.of()).subList(0, 3)).containsExactly(KEPT, STOP_WORD, KEPT);
        assertThat(StopWords.isStopWord("The,")).isTrue();
        assertThat(StopWords.isStopWord("left")).as("location words stay").isFalse();
    }

    @Test
    void nounPhraseFilteringKeepsTheWordsBeforeTheFirstClause() {
        TokenizedPrompt p = prompt("the red circle above the green star", List.of());
        DefaultTokenFilter f = DefaultTokenFilter.builder().nounPhraseOnly(true).build();
        assertThat(reasons(f, p, Set.of()).subList(0, 7)).containsExactly(STOP_WORD, KEPT, KEPT, NOT_IN_NOUN_PHRASE,
                STOP_WORD, NOT_IN_NOUN_PHRASE, NOT_IN_NOUN_PHRASE);
        DefaultTokenFilter keepAnchors = DefaultTokenFilter.builder().dropAnchors(false).build();
        assertThat(keepAnchors.select(p, Set.of()).keptPositions()).containsExactly(1, 2, 3, 5, 6);
    }

    private static List<String> kept(DefaultTokenFilter f, String expression) {
        TokenizedPrompt p = prompt(expression, List.of());
        return Arrays.stream(f.select(p, Set.of()).keptPositions()).mapToObj(i -> p.token(i).text().replace("\u2581", ""))
                .toList();
    }

    @Test
    void anchorFilteringDropsTheObjectARelationLocatesTheTargetBy() {
        DefaultTokenFilter f = DefaultTokenFilter.standard();
        TokenizedPrompt p = prompt("the red circle above the green star", List.of());
        assertThat(reasons(f, p, Set.of()).subList(0, 7)).containsExactly(STOP_WORD, KEPT, KEPT, RELATION_ANCHOR,
                STOP_WORD, RELATION_ANCHOR, RELATION_ANCHOR);
        assertThat(kept(f, "the red diamond to the right of the green diamond")).containsExactly("red", "diamond");
        assertThat(kept(f, "the man on the left next to the car")).containsExactly("man", "on", "left");
        assertThat(kept(f, "a red cross on the right")).as("a location is kept")
                .containsExactly("red", "cross", "on", "right");
        assertThat(kept(f, "the shape in the top left")).containsExactly("shape", "in", "top", "left");
        assertThat(kept(f, "the cup, which is on top of the table")).containsExactly("cup");
        assertThat(kept(f, "the largest object")).containsExactly("largest", "object");
        assertThat(kept(DefaultTokenFilter.builder().dropAnchors(false).build(), "the cup on top of the table"))
                .containsExactly("cup", "on", "top", "table");
    }

    @Test
    void aLoneWordMarkIsSpecial() {
        TokenizedPrompt p = TokenizedPrompt.ofExpression(". cat", List.of(
                new Token(5, "\u2581", 0, 0, 0, 0, TokenRole.EXPRESSION),
                new Token(6, ".", 0, 0, 1, 0, TokenRole.EXPRESSION),
                new Token(7, "\u2581cat", 0, 2, 5, 1, TokenRole.EXPRESSION)));
        assertThat(reasons(DefaultTokenFilter.standard(), p, Set.of())).containsExactly(SPECIAL, PUNCTUATION, KEPT);
    }

    @Test
    void providerParsesSwitchesStrictly() {
        TokenFilterProvider provider = ServiceLoader.load(TokenFilterProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(pr -> pr.name().equals("default")).findFirst().orElseThrow();
        TokenFilter f = provider.create(Map.of("stopWords", "false", "nounPhraseOnly", "TRUE"));
        assertThat(f.toString()).contains("stopWords=false", "nounPhraseOnly=true", "punctuation=true",
                "dropAnchors=true");
        assertThat(provider.create(Map.of("dropAnchors", "false")).toString()).contains("dropAnchors=false");
        assertThatThrownBy(() -> provider.create(Map.of("stopword", "false"))).hasMessageContaining("stopword");
        assertThatThrownBy(() -> provider.create(Map.of("sinks", "no"))).hasMessageContaining("'no'");
    }
}
