package org.refam.core.text;

import java.util.ArrayList;
import java.util.List;
import org.refam.api.InvalidExpressionException;
import org.refam.api.PromptTokenizer;
import org.refam.api.PromptTooLongException;
import org.refam.api.Token;
import org.refam.api.TokenRole;
import org.refam.api.TokenizedPrompt;

/**
 * Building prompts: tokenizing the expression (with explicit, reported truncation) and padding to the model's
 * text length. Backends call {@link #pad} so every extractor pads the same way.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
public final class Prompts {
    private Prompts() {
    }

    /**
     * Tokenizes {@code expression} as segment 0.
     *
     * @param truncate when the expression does not fit the text length: {@code true} keeps the first
     *     {@code maxLength - 1} tokens plus the end token and records the number dropped in
     *     {@link TokenizedPrompt#truncatedTokens()}; {@code false} throws
     * @throws InvalidExpressionException if the expression is null or blank
     * @throws PromptTooLongException if it does not fit and {@code truncate} is false
     */
    public static TokenizedPrompt expression(String expression, PromptTokenizer tokenizer, boolean truncate) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidExpressionException("the referring expression is empty: '" + expression + "'");
        }
        List<Token> tokens = tokenizer.encode(expression, 0, TokenRole.EXPRESSION);
        int max = tokenizer.maxLength();
        if (tokens.size() <= max) {
            return TokenizedPrompt.ofExpression(expression, tokens);
        }
        if (!truncate) {
            throw new PromptTooLongException("the expression '" + abbreviate(expression) + "' has " + tokens.size()
                    + " tokens but the model's text length is " + max + " (enable truncation to keep the first "
                    + (max - 1) + ")");
        }
        List<Token> kept = new ArrayList<>(tokens.subList(0, max - 1));
        kept.add(tokens.get(tokens.size() - 1));
        return new TokenizedPrompt(List.of(expression), kept, tokens.size() - max);
    }

    /**
     * Pads {@code prompt} with the tokenizer's padding token up to its text length.
     *
     * @throws PromptTooLongException if the prompt is already longer than the text length
     */
    public static TokenizedPrompt pad(TokenizedPrompt prompt, PromptTokenizer tokenizer) {
        int max = tokenizer.maxLength();
        if (prompt.size() > max) {
            throw new PromptTooLongException("the prompt for '" + abbreviate(prompt.expression()) + "' has "
                    + prompt.size() + " tokens (magnets included) but the model's text length is " + max);
        }
        Token pad = tokenizer.paddingToken();
        if (pad == null || prompt.size() == max) {
            return prompt;
        }
        List<Token> all = new ArrayList<>(max);
        all.addAll(prompt.tokens());
        while (all.size() < max) {
            all.add(pad);
        }
        return new TokenizedPrompt(prompt.segments(), all, prompt.truncatedTokens());
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
