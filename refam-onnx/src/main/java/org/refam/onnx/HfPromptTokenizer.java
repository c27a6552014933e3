package org.refam.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.refam.api.InvalidExpressionException;
import org.refam.api.ModelException;
import org.refam.api.PromptTokenizer;
import org.refam.api.Token;
import org.refam.api.TokenRole;

/**
 * A {@link PromptTokenizer} over a HuggingFace {@code tokenizer.json} (DJL's Rust tokenizers binding, loaded from
 * a local file: nothing is downloaded).
 *
 * <p>Each {@link #encode} call tokenizes one segment with the file's post-processor, so T5-style files append
 * their {@code </s>} to every segment (the paper's token figure, method.md section 2 step 1). Roles: tokens the
 * post-processor added (special-token mask) and a lone SentencePiece word mark {@code ▁} are
 * {@link TokenRole#SPECIAL} with no span and word index -1; every other piece gets the caller's role. Character
 * spans are UTF-16 offsets into the segment's text with surrounding whitespace trimmed (the tokenizers library
 * reports code-point offsets that include the space a {@code ▁} stands for); the word index counts
 * whitespace-separated words of the segment, so it does not depend on the file's pre-tokenizer. The tokenizer
 * never truncates or pads: {@link org.refam.core.text.Prompts} reports truncation and pads with
 * {@link #paddingToken()}, which is {@code null} for a model that runs prompts unpadded (manifest
 * {@code textEncoder.padding: "none"}).
 *
 * <p>Thread-safety: thread-safe; {@link #close()} waits for encodes in flight, and encoding after close throws
 * {@link IllegalStateException}.
 */
final class HfPromptTokenizer implements PromptTokenizer, AutoCloseable {
    /** The SentencePiece word-boundary mark (U+2581). */
    static final String WORD_MARK = "\u2581";

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final Token padding;
    private final boolean pads;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private HfPromptTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, Token padding, boolean pads) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padding = padding;
        this.pads = pads;
    }

    /** Loads {@code file} for a model that pads prompts to {@code maxLength}; see {@link #load(Path, int, int, boolean)}. */
    static HfPromptTokenizer load(Path file, int maxLength, int padId) {
        return load(file, maxLength, padId, true);
    }

    /**
     * Loads {@code file}.
     *
     * @param maxLength the model's text length (prompts are padded to it), at least 2
     * @param padId vocabulary id of the padding token (T5: 0); its surface form is the tokenizer's decoding of it
     * @param pads whether prompts are padded to {@code maxLength}; when false {@link #paddingToken()} is {@code null}
     *     and {@code maxLength} is only the longest prompt allowed
     * @throws ModelException if the file is missing, unreadable or not a valid tokenizer, or cannot decode
     *     {@code padId}
     */
    static HfPromptTokenizer load(Path file, int maxLength, int padId, boolean pads) {
        if (maxLength < 2) {
            throw new ModelException("the text length must be at least 2, got " + maxLength);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException("tokenizer file " + file + " does not exist");
        }
        HuggingFaceTokenizer tok;
        try {
            // Explicit options so that no truncation or padding from the file applies: both are the caller's job.
            tok = HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
        try {
            String padText = tok.decode(new long[] {padId}, false);
            if (padText == null || padText.isBlank()) {
                throw new ModelException("tokenizer " + file + " has no token for the padding id " + padId);
            }
            return new HfPromptTokenizer(tok, maxLength, new Token(padId, padText.strip(), 0, -1, -1, -1,
                    TokenRole.PADDING), pads);
        } catch (RuntimeException e) {
            tok.close();
            throw e instanceof ModelException ? e
                    : new ModelException("tokenizer " + file + " cannot decode the padding id " + padId + ": "
                            + e.getMessage(), e);
        }
    }

    /**
     * The ids of {@code text} with the file's special tokens (CLIP: start and end of text), neither truncated nor
     * padded.
     */
    long[] ids(String text) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("tokenizer is closed");
            }
            return tokenizer.encode(text, true, false).getIds();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Token> encode(String text, int segment, TokenRole role) {
        if (text == null || text.isBlank()) {
            throw new InvalidExpressionException("cannot tokenize an empty or blank text: '" + text + "'");
        }
        if (role != TokenRole.EXPRESSION && role != TokenRole.MAGNET) {
            throw new IllegalArgumentException("segments are EXPRESSION or MAGNET, got " + role);
        }
        Encoding e;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("tokenizer is closed");
            }
            e = tokenizer.encode(text, true, false);
        } finally {
            lock.readLock().unlock();
        }
        long[] ids = e.getIds();
        String[] pieces = e.getTokens();
        long[] special = e.getSpecialTokenMask();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] wordStarts = wordStarts(text);
        List<Token> out = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            String piece = pieces[i];
            int id = Math.toIntExact(ids[i]);
            if (special[i] != 0 || piece.equals(WORD_MARK) || spans[i] == null) {
                out.add(new Token(id, piece, segment, -1, -1, -1, TokenRole.SPECIAL));
                continue;
            }
            int start = utf16(text, spans[i].getStart());
            int end = utf16(text, spans[i].getEnd());
            while (start < end && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (start == end) {
                out.add(new Token(id, piece, segment, -1, -1, -1, TokenRole.SPECIAL));
                continue;
            }
            out.add(new Token(id, piece, segment, start, end, wordOf(wordStarts, start), role));
        }
        return out;
    }

    /** UTF-16 index of the {@code codePoints}-th code point of {@code text} (clamped to its length). */
    private static int utf16(String text, int codePoints) {
        if (codePoints <= 0) {
            return 0;
        }
        int count = text.codePointCount(0, text.length());
        return codePoints >= count ? text.length() : text.offsetByCodePoints(0, codePoints);
    }

    private static int[] wordStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean ws = Character.isWhitespace(text.charAt(i));
            if (!ws && !inWord) {
                starts.add(i);
            }
            inWord = !ws;
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int wordOf(int[] wordStarts, int charIndex) {
        int word = -1;
        for (int s : wordStarts) {
            if (s > charIndex) {
                break;
            }
            word++;
        }
        return word;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    @Override
    public Token paddingToken() {
        return pads ? padding : null;
    }

    /** Frees the native tokenizer once; waits for encodes in flight. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                tokenizer.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "HfPromptTokenizer{maxLength=" + maxLength + ", padding=" + (pads ? padding.text() : "none") + "}";
    }
}
