package org.refam.examples.refshapes;

/**
 * A referring expression that picks out exactly one object of its scene.
 *
 * @param text the expression in lower-case English ("the triangle above the green star")
 * @param target id of the object it refers to
 * @param template the template it was made from
 * @param anchor id of the object a {@link ExpressionTemplate#RELATION} expression is relative to, -1 otherwise
 *
 * <p>Thread-safety: immutable.
 */
public record Expression(String text, int target, ExpressionTemplate template, int anchor) {
    public Expression {
        if (text == null || text.isBlank() || target < 0 || template == null || anchor < -1) {
            throw new IllegalArgumentException("invalid expression: text='" + text + "' target=" + target
                    + " template=" + template + " anchor=" + anchor);
        }
        if ((template == ExpressionTemplate.RELATION) != (anchor >= 0)) {
            throw new IllegalArgumentException("expression '" + text + "': a relation needs an anchor and only a "
                    + "relation has one, got template " + template + " with anchor " + anchor);
        }
    }
}
