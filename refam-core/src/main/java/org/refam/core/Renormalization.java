package org.refam.core;

/**
 * When the image-to-text attention is renormalised over text keys (method.md section 2, step 5: dividing each row
 * by its sum over text keys equals a softmax of the logits restricted to those keys, the "softmax" of the paper's
 * figure). The paper does not say whether this happens before or after averaging.
 */
public enum Renormalization {
    /** No renormalisation: raw joint-attention probabilities are averaged and summed. */
    NONE,
    /**
     * Each (forward pass, block) is renormalised before it joins the average, after sink handling; with
     * {@link RefAMConfig#keepHeads()} each head is also renormalised before the head mean. Every block then
     * counts equally, however much of its attention went to text.
     */
    PER_SLICE,
    /**
     * The average over passes and blocks is renormalised once. Blocks count in proportion to the text attention
     * they pay, and a row with little text mass in one block is not blown up by it. The default.
     */
    AFTER_AVERAGE
}
