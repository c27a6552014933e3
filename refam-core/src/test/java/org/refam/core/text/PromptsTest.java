package org.refam.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.refam.api.InvalidExpressionException;
import org.refam.api.PromptTokenizer;
import org.refam.api.PromptTooLongException;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;

/** Tokenizing with reported truncation, and padding, in {@link Prompts}. */
class PromptsTest {
    private final SimpleTokenizer tok = new SimpleTokenizer(6);

    @Test
    void anExpressionThatFitsIsSegmentZero() {
        TokenizedPrompt p = Prompts.expression("red ball", tok, false);
        assertThat(p.expression()).isEqualTo("red ball");
        assertThat(p.segments()).containsExactly("red ball");
        assertThat(p.size()).isEqualTo(3);
        assertThat(p.truncatedTokens()).isZero();
    }

    @Test
    void aTooLongExpressionThrowsOrIsTruncatedKeepingTheEndToken() {
        String text = "a b c d e f g"; // 8 tokens for a length of 6
        assertThatThrownBy(() -> Prompts.expression(text, tok, false)).isInstanceOf(PromptTooLongException.class)
                .hasMessageContaining("8 tokens").hasMessageContaining("6").hasMessageContaining("first 5");
        TokenizedPrompt t = Prompts.expression(text, tok, true);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.truncatedTokens()).isEqualTo(2);
        assertThat(t.tokens()).extracting(Token::text).containsExactly("\u2581a", "\u2581b", "\u2581c", "\u2581d",
                "\u2581e", "</s>");
    }

    @Test
    void emptyExpressionsAreRefused() {
        assertThatThrownBy(() -> Prompts.expression(" \t", tok, true)).isInstanceOf(InvalidExpressionException.class);
        assertThatThrownBy(() -> Prompts.expression(null, tok, true)).isInstanceOf(InvalidExpressionException.class);
    }

    @Test
    void padAppendsPaddingUpToTheTextLength() {
        TokenizedPrompt p = Prompts.pad(Prompts.expression("ball", tok, false), tok);
        assertThat(p.size()).isEqualTo(6);
        assertThat(p.tokens()).extracting(Token::role).containsExactly(TokenRole.EXPRESSION, TokenRole.SPECIAL,
                TokenRole.PADDING, TokenRole.PADDING, TokenRole.PADDING, TokenRole.PADDING);
        assertThat(p.positionsOf(TokenRole.PADDING)).containsExactly(2, 3, 4, 5);
        assertThat(Prompts.pad(p, tok)).isEqualTo(p);
    }

    @Test
    void padRefusesAPromptThatIsAlreadyTooLongAndSkipsTokenizersWithoutPadding() {
        SimpleTokenizer wide = new SimpleTokenizer(10);
        TokenizedPrompt eight = Prompts.expression("a b c d e f g", wide, false);
        assertThatThrownBy(() -> Prompts.pad(eight, tok)).isInstanceOf(PromptTooLongException.class)
                .hasMessageContaining("8 tokens");
        PromptTokenizer noPad = new PromptTokenizer() {
            @Override
            public List<Token> encode(String text, int segment, TokenRole role) {
                return tok.encode(text, segment, role);
            }

            @Override
            public int maxLength() {
                return 10;
            }

            @Override
            public Token paddingToken() {
                return null;
            }
        };
        assertThat(Prompts.pad(eight, noPad)).isSameAs(eight);
    }
}
