package org.refam.examples.refshapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The closed word list of RefShapes and the HuggingFace {@code tokenizer.json} built from it: a WordLevel model
 * (one id per word), a lower-casing normaliser, whitespace splitting followed by isolating punctuation, and a
 * T5-style post-processor that appends {@code </s>} to every sequence.
 *
 * <p>Ids: {@code <pad>} 0, {@code </s>} 1, {@code <unk>} 2 (T5's order), then punctuation, the default magnet words,
 * common stop words, and the generator's words, in the fixed order of this class. The order is part of the
 * dataset format: vocabulary.txt lists the tokens one per line, line {@code i} (from 0) holding id {@code i}.
 */
final class Vocabulary {
    static final String PAD = "<pad>";
    static final String EOS = "</s>";
    static final String UNK = "<unk>";

    /** Default attention-magnet words of the pipeline (method.md section 2, step 1). */
    static final List<String> MAGNETS = List.of(".", "with", "a", "the", "pink");

    static final List<String> PUNCTUATION = List.of(".", ",", "!", "?", ";", ":", "'", "\"", "-", "(", ")");

    /** Common English stop words, in the vocabulary whether or not the generator uses them. */
    static final List<String> STOP_WORDS = List.of("a", "an", "the", "to", "of", "in", "on", "at", "with", "and",
            "or", "is", "are", "was", "be", "it", "its", "this", "that", "these", "those", "there", "here", "for",
            "from", "by", "as", "into", "onto", "near", "some", "any", "all", "each", "very", "has", "have", "which",
            "who", "what", "where", "not", "no", "but", "than", "one", "ones");

    /** Words of the templates that are not attribute names. */
    static final List<String> TEMPLATE_WORDS = List.of("object", "shape", "image", "top", "bottom", "left", "right",
            "center", "above", "below", "largest", "smallest");

    private static final List<String> TOKENS = build();

    private Vocabulary() {
    }

    /** Every token in id order, specials first. */
    static List<String> tokens() {
        return TOKENS;
    }

    /** Id of {@code token}, or the id of {@code <unk>}. */
    static int id(String token) {
        int i = TOKENS.indexOf(token);
        return i >= 0 ? i : TOKENS.indexOf(UNK);
    }

    /**
     * The words of {@code text} as the tokenizer's normaliser and pre-tokenizer cut them: lower-cased, split at
     * whitespace, each ASCII punctuation character a word of its own.
     */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String chunk : text.toLowerCase(Locale.ROOT).trim().split("\\s+")) {
            StringBuilder word = new StringBuilder();
            for (int i = 0; i < chunk.length(); i++) {
                char ch = chunk.charAt(i);
                if (isPunctuation(ch)) {
                    if (word.length() > 0) {
                        out.add(word.toString());
                        word.setLength(0);
                    }
                    out.add(String.valueOf(ch));
                } else {
                    word.append(ch);
                }
            }
            if (word.length() > 0) {
                out.add(word.toString());
            }
        }
        return out;
    }

    /** The words of {@code text} that are not in the vocabulary. */
    static List<String> unknownWords(String text) {
        return words(text).stream().filter(w -> !TOKENS.contains(w)).toList();
    }

    /** vocabulary.txt: one token per line in id order, newline-terminated. */
    static String vocabularyText() {
        return String.join("\n", TOKENS) + "\n";
    }

    /** tokenizer.json in the HuggingFace tokenizers format (version 1.0). */
    static ObjectNode tokenizerJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of(PAD, EOS, UNK)) {
            ObjectNode t = added.addObject();
            t.put("id", TOKENS.indexOf(special));
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putObject("normalizer").put("type", "Lowercase");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        steps.addObject().put("type", "WhitespaceSplit");
        steps.addObject().put("type", "Punctuation").put("behavior", "Isolated");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        sequence(single, "A");
        eos(single);
        ArrayNode pair = post.putArray("pair");
        sequence(pair, "A");
        eos(pair);
        sequence(pair, "B");
        eos(pair);
        ObjectNode specials = post.putObject("special_tokens").putObject(EOS);
        specials.put("id", EOS);
        specials.putArray("ids").add(TOKENS.indexOf(EOS));
        specials.putArray("tokens").add(EOS);
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < TOKENS.size(); i++) {
            vocab.put(TOKENS.get(i), i);
        }
        model.put("unk_token", UNK);
        return root;
    }

    private static void sequence(ArrayNode template, String id) {
        ObjectNode s = template.addObject().putObject("Sequence");
        s.put("id", id);
        s.put("type_id", 0);
    }

    private static void eos(ArrayNode template) {
        ObjectNode s = template.addObject().putObject("SpecialToken");
        s.put("id", EOS);
        s.put("type_id", 0);
    }

    private static boolean isPunctuation(char ch) {
        return ch < 128 && !Character.isLetterOrDigit(ch) && !Character.isWhitespace(ch) && ch > ' ';
    }

    private static List<String> build() {
        Set<String> all = new LinkedHashSet<>(List.of(PAD, EOS, UNK));
        all.addAll(PUNCTUATION);
        all.addAll(MAGNETS);
        all.addAll(STOP_WORDS);
        for (Colour c : Colour.values()) {
            all.add(c.word());
        }
        for (Shape s : Shape.values()) {
            all.add(s.word());
        }
        for (SizeWord z : SizeWord.values()) {
            all.add(z.word());
        }
        all.addAll(TEMPLATE_WORDS);
        for (Cell c : Cell.values()) {
            all.addAll(words(c.phrase()));
        }
        for (Referents.Relation r : Referents.Relation.values()) {
            all.addAll(words(r.phrase));
        }
        return List.copyOf(all);
    }
}
