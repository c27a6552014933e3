package org.refam.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.refam.api.Redistributor;
import org.refam.api.RedistributorProvider;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;

/** Segments, roles and length handling of {@link MagnetRedistributor}. */
class MagnetRedistributorTest {

    @Test
    void appendsEachMagnetWithItsOwnEndTokenAsInThePapersFigure() {
        SimpleTokenizer tok = new SimpleTokenizer(64);
        TokenizedPrompt e = Prompts.expression("a largest orange goldfish", tok, false);
        TokenizedPrompt p = MagnetRedistributor.standard().redistribute(e, tok);
        assertThat(p.segments()).containsExactly("a largest orange goldfish", ".", "with", "a", "the", "pink");
        assertThat(p.magnets()).containsExactly(".", "with", "a", "the", "pink");
        assertThat(p.tokens()).extracting(Token::text).containsExactly("\u2581a", "\u2581largest", "\u2581orange",
                "\u2581goldfish", "</s>", "\u2581.", "</s>", "\u2581with", "</s>", "\u2581a", "</s>", "\u2581the",
                "</s>", "\u2581pink", "</s>");
        assertThat(p.tokens()).extracting(Token::segment).containsExactly(0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5);
        for (Token t : p.tokens().subList(5, 15)) {
            assertThat(t.isAuxiliary()).isTrue();
            assertThat(t.role()).isEqualTo(t.text().equals("</s>") ? TokenRole.SPECIAL : TokenRole.MAGNET);
        }
        assertThat(p.auxiliaryPositions()).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        assertThat(p.positionsOf(TokenRole.MAGNET)).containsExactly(5, 7, 9, 11, 13);
    }

    @Test
    void magnetsAreTokenizedOncePerTokenizerAndSegmentStart() {
        SimpleTokenizer inner = new SimpleTokenizer(64);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        org.refam.api.PromptTokenizer counting = new org.refam.api.PromptTokenizer() {
            @Override
            public List<Token> encode(String text, int segment, org.refam.api.TokenRole role) {
                calls.incrementAndGet();
                return inner.encode(text, segment, role);
            }

            @Override
            public int maxLength() {
                return inner.maxLength();
            }

            @Override
            public Token paddingToken() {
                return inner.paddingToken();
            }
        };
        MagnetRedistributor m = MagnetRedistributor.standard();
        TokenizedPrompt first = m.redistribute(Prompts.expression("a red ball", inner, false), counting);
        assertThat(calls.get()).isEqualTo(5);
        TokenizedPrompt second = m.redistribute(Prompts.expression("the blue cube", inner, false), counting);
        assertThat(calls.get()).as("cached magnets").isEqualTo(5);
        assertThat(second.tokens().subList(4, 14)).isEqualTo(first.tokens().subList(4, 14));
        assertThat(second).isEqualTo(MagnetRedistributor.standard().redistribute(
                Prompts.expression("the blue cube", inner, false), inner));
        // an expression with two segments shifts the magnets' segment indices: tokenized again, not reused wrongly
        TokenizedPrompt twoSegments = first.withSegment("x", inner.encode("x", 6, org.refam.api.TokenRole.MAGNET));
        TokenizedPrompt shifted = m.redistribute(twoSegments, counting);
        assertThat(calls.get()).isEqualTo(10);
        assertThat(shifted.token(shifted.size() - 1).segment()).isEqualTo(11);
    }

    @Test
    void dropsTheMagnetsThatDoNotFitFromTheEnd() {
        SimpleTokenizer tok = new SimpleTokenizer(8);
        TokenizedPrompt e = Prompts.expression("a goldfish", tok, false); // 3 tokens
        TokenizedPrompt p = MagnetRedistributor.standard().redistribute(e, tok);
        assertThat(p.magnets()).containsExactly(".", "with");
        assertThat(p.size()).isEqualTo(7);
        TokenizedPrompt full = Prompts.expression("a b c d e f g", tok, false); // 8 tokens
        assertThat(MagnetRedistributor.standard().redistribute(full, tok).magnets()).isEmpty();
    }

    @Test
    void noWordsMeansNoChangeAndBlankWordsAreRefused() {
        SimpleTokenizer tok = new SimpleTokenizer(8);
        TokenizedPrompt e = Prompts.expression("a goldfish", tok, false);
        assertThat(new MagnetRedistributor(List.of()).redistribute(e, tok)).isEqualTo(e);
        assertThatThrownBy(() -> new MagnetRedistributor(List.of("a", "")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void providerReadsWordsAndRefusesUnknownOptions() {
        RedistributorProvider provider = ServiceLoader.load(RedistributorProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(pr -> pr.name().equals("magnets")).findFirst().orElseThrow();
        Redistributor r = provider.create(Map.of("words", "  the  pink "));
        assertThat(((MagnetRedistributor) r).words()).containsExactly("the", "pink");
        assertThat(((MagnetRedistributor) provider.create(Map.of())).words())
                .isEqualTo(MagnetRedistributor.DEFAULT_WORDS);
        assertThatThrownBy(() -> provider.create(Map.of("word", "a"))).hasMessageContaining("word");
    }
}
