package org.refam.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.refam.api.InvalidExpressionException;
import org.refam.api.Token;
import org.refam.api.TokenRole;

/** Pieces, spans, word indices, ids and the end token of {@link SimpleTokenizer}. */
class SimpleTokenizerTest {
    private final SimpleTokenizer tok = new SimpleTokenizer(32);

    @Test
    void splitsWordsMarksWordStartsAndEndsWithEos() {
        String text = "the largest orange goldfish";
        List<Token> t = tok.encode(text, 0, TokenRole.EXPRESSION);
        assertThat(t).extracting(Token::text)
                .containsExactly("\u2581the", "\u2581largest", "\u2581orange", "\u2581goldfish", "</s>");
        assertThat(t).extracting(Token::wordIndex).containsExactly(0, 1, 2, 3, -1);
        for (Token x : t.subList(0, 4)) {
            assertThat(text.substring(x.charStart(), x.charEnd())).isEqualTo(x.text().substring(1));
            assertThat(x.role()).isEqualTo(TokenRole.EXPRESSION);
        }
        Token eos = t.get(4);
        assertThat(eos.id()).isEqualTo(1);
        assertThat(eos.role()).isEqualTo(TokenRole.SPECIAL);
        assertThat(eos.charStart()).isEqualTo(-1);
        assertThat(eos.charEnd()).isEqualTo(-1);
    }

    @Test
    void punctuationBecomesItsOwnPieceWithinTheWord() {
        String text = "  dog's   toy. ";
        List<Token> t = tok.encode(text, 2, TokenRole.MAGNET);
        assertThat(t).extracting(Token::text).containsExactly("\u2581dog", "'", "s", "\u2581toy", ".", "</s>");
        assertThat(t).extracting(Token::wordIndex).containsExactly(0, 0, 0, 1, 1, -1);
        assertThat(t).extracting(Token::charStart).containsExactly(2, 5, 6, 10, 13, -1);
        assertThat(t).extracting(Token::charEnd).containsExactly(5, 6, 7, 13, 14, -1);
        assertThat(t).allMatch(x -> x.segment() == 2);
        assertThat(t.subList(0, 5)).allMatch(x -> x.role() == TokenRole.MAGNET);
    }

    @Test
    void idsAreStableCaseInsensitiveOrFromTheVocabulary() {
        Token a = tok.encode("Ball", 0, TokenRole.EXPRESSION).get(0);
        Token b = tok.encode("ball", 0, TokenRole.EXPRESSION).get(0);
        Token c = tok.encode("cup", 0, TokenRole.EXPRESSION).get(0);
        assertThat(a.id()).isEqualTo(b.id()).isBetween(3, 32002);
        assertThat(c.id()).isNotEqualTo(a.id());
        SimpleTokenizer vocab = new SimpleTokenizer(8, Map.of("ball", 77));
        assertThat(vocab.encode("BALL cup", 0, TokenRole.EXPRESSION)).extracting(Token::id).containsExactly(77, 2, 1);
    }

    @Test
    void paddingLengthAndBadInput() {
        Token pad = tok.paddingToken();
        assertThat(pad.id()).isZero();
        assertThat(pad.text()).isEqualTo("<pad>");
        assertThat(pad.role()).isEqualTo(TokenRole.PADDING);
        assertThat(tok.maxLength()).isEqualTo(32);
        assertThatThrownBy(() -> tok.encode("  ", 0, TokenRole.EXPRESSION)).isInstanceOf(InvalidExpressionException.class);
        assertThatThrownBy(() -> tok.encode(null, 0, TokenRole.EXPRESSION)).isInstanceOf(InvalidExpressionException.class);
        assertThatThrownBy(() -> new SimpleTokenizer(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1");
    }
}
