package org.refam.eval.coco;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import org.refam.eval.DatasetFormatException;

/**
 * Reads a REFER refs pickle ({@code refs(unc).p}, {@code refs(umd).p}, ...) into plain Java objects with the Pyrolite
 * unpickler: lists, maps, strings, numbers. Any pickle protocol (0-5) is read.
 *
 * <p>The original files were written by Python 2, whose {@code str} values are byte strings (opcodes
 * {@code SHORT_BINSTRING}, {@code BINSTRING}, {@code STRING}); they are decoded as UTF-8 when they are valid UTF-8, as
 * Latin-1 otherwise (Python 3 needs {@code encoding=...} for the same files). Python 3 {@code bytes} become
 * {@code byte[]}, which {@link #text} decodes the same way. Unicode strings are read as they are.
 *
 * <p>Thread-safety: stateless and thread-safe.
 */
final class RefsPickle {
    private static final short SHORT_BINSTRING = 'U';
    private static final short BINSTRING = 'T';
    private static final short STRING = 'S';

    private RefsPickle() {
    }

    /**
     * Unpickles {@code file}.
     *
     * @throws DatasetFormatException if the file is missing, unreadable, truncated or not a pickle, naming the file and
     *     the byte offset where reading stopped
     */
    static Object read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException("refs pickle " + file + " does not exist");
        }
        CountingStream in = null;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            in = new CountingStream(raw);
            Unpickler u = new Py2StringUnpickler();
            try {
                return u.load(in);
            } finally {
                u.close();
            }
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("refs pickle " + file + " does not exist", e);
        } catch (IOException | PickleException | ClassCastException | IllegalStateException
                 | IndexOutOfBoundsException e) {
            long at = in == null ? 0 : in.count;
            long size = size(file);
            String what = at >= size ? "is truncated (ends after " + size + " bytes)" : "is not a valid pickle";
            throw new DatasetFormatException("refs pickle " + file + " " + what + ": stopped at byte " + at + " of "
                    + size + ": " + e.getMessage(), e);
        }
    }

    /** A Python string value: String as is, byte strings decoded (UTF-8 when valid, else Latin-1); else null. */
    static String text(Object o) {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof byte[] b) {
            return decode(b);
        }
        return null;
    }

    /** Bytes as UTF-8 when they are valid UTF-8, as Latin-1 otherwise. */
    static String decode(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Re-decodes Python 2 byte strings, which Pyrolite maps byte-by-byte to chars, as UTF-8 where valid. */
    private static final class Py2StringUnpickler extends Unpickler {
        @Override
        protected Object dispatch(short key) throws PickleException, IOException {
            Object r = super.dispatch(key);
            if (key == SHORT_BINSTRING || key == BINSTRING || key == STRING) {
                Object top = stack.pop();
                if (top instanceof String s) {
                    stack.add(decode(s.getBytes(StandardCharsets.ISO_8859_1)));
                } else {
                    stack.add(top);
                }
            }
            return r;
        }
    }

    /** Counts the bytes read, to say where a broken pickle stopped. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    /** Convenience for callers: the list at the top of a refs pickle. */
    static List<?> readList(Path file) {
        Object top = read(file);
        if (!(top instanceof List<?> list)) {
            throw new DatasetFormatException("refs pickle " + file + " holds a "
                    + (top == null ? "None" : top.getClass().getSimpleName()) + ", expected a list of refs");
        }
        return list;
    }
}
