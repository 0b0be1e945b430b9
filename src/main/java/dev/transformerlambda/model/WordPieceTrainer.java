package dev.transformerlambda.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.transformerlambda.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Learns a WordPiece vocabulary from training texts and writes it as a Hugging Face {@code
 * tokenizer.json} (BERT normalizer and pre-tokenizer, lower-cased, accents stripped, typed text
 * respelled as the treebank spells it: {@link TreebankSpelling}). Word pieces
 * are grown by merging the most frequent adjacent pair, as the Hugging Face WordPiece trainer
 * does, so a word never seen in training still splits into known pieces instead of {@code [UNK]}.
 *
 * <p>The Rust tokenizers library can load and run such a file but the DJL binding cannot train
 * one; this class is the training half, and serving only ever reads the JSON.
 */
public final class WordPieceTrainer {

    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    /** First in every vocabulary this trainer writes, in this order. */
    public static final List<String> SPECIAL_TOKENS = List.of(PAD, UNK, CLS, SEP);
    private static final String CONTINUATION = "##";

    private final int vocabularySize;
    private final int minFrequency;

    /**
     * @param vocabularySize the largest vocabulary to learn, special tokens included
     * @param minFrequency pairs seen fewer times than this are not merged
     */
    public WordPieceTrainer(int vocabularySize, int minFrequency) {
        if (vocabularySize <= SPECIAL_TOKENS.size()) {
            throw new IllegalArgumentException("vocabulary size too small: " + vocabularySize);
        }
        this.vocabularySize = vocabularySize;
        this.minFrequency = Math.max(1, minFrequency);
    }

    /** Learns the vocabulary of {@code texts}; index order is token id order. */
    public List<String> learnVocabulary(Iterable<String> texts) {
        Map<String, Long> wordCounts = new HashMap<>();
        for (String text : texts) {
            for (String word : preTokenize(text)) {
                wordCounts.merge(word, 1L, Long::sum);
            }
        }
        return new Merges(wordCounts).run();
    }

    /** Writes {@code vocabulary} as a {@code tokenizer.json} that DJL's tokenizer binding loads. */
    public static void writeTokenizerJson(List<String> vocabulary, Path file) throws IOException {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");

        ArrayNode added = root.putArray("added_tokens");
        for (String token : SPECIAL_TOKENS) {
            added.addObject()
                    .put("id", vocabulary.indexOf(token))
                    .put("content", token)
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }

        root.putObject("normalizer")
                .put("type", "BertNormalizer")
                .put("clean_text", true)
                .put("handle_chinese_chars", true)
                .putNull("strip_accents")
                .put("lowercase", true);
        TreebankSpelling.addTo(root);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");

        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", CLS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addAll(single);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String token : List.of(CLS, SEP)) {
            ObjectNode entry = specials.putObject(token).put("id", token);
            entry.putArray("ids").add(vocabulary.indexOf(token));
            entry.putArray("tokens").add(token);
        }

        root.putObject("decoder")
                .put("type", "WordPiece")
                .put("prefix", CONTINUATION)
                .put("cleanup", true);

        ObjectNode model =
                root.putObject("model")
                        .put("type", "WordPiece")
                        .put("unk_token", UNK)
                        .put("continuing_subword_prefix", CONTINUATION)
                        .put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabulary.size(); id++) {
            vocab.put(vocabulary.get(id), id);
        }

        Json.INDENTED.writeValue(file.toFile(), root);
    }

    /**
     * Splits a text into words the way the BERT normalizer, the {@link TreebankSpelling} rules and the
     * pre-tokenizer written into {@code tokenizer.json} do, so the vocabulary is learned over the same words the tokenizer sees.
     */
    public static List<String> preTokenize(String text) {
        String normalized = TreebankSpelling.apply(
                Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD));
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        normalized.codePoints().forEach(c -> {
            if (Character.getType(c) == Character.NON_SPACING_MARK || c == 0 || c == 0xFFFD
                    || (Character.isISOControl(c) && !Character.isWhitespace(c))) {
                return;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                flush(word, words);
            } else if (isPunctuation(c) || Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN) {
                // The BERT pre-tokenizer makes each punctuation mark and CJK ideograph a word.
                flush(word, words);
                words.add(Character.toString(c));
            } else {
                word.appendCodePoint(c);
            }
        });
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** BERT's definition: all non-alphanumeric ASCII, plus Unicode punctuation. */
    private static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96)
                || (c >= 123 && c <= 126)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION || type == Character.OTHER_PUNCTUATION;
    }

    /**
     * The merge loop. Words are arrays of symbol ids; pair counts are kept up to date
     * incrementally, touching only the words that contain the merged pair.
     */
    private final class Merges {
        private final List<String> symbols = new ArrayList<>();
        private final Map<String, Integer> symbolIds = new HashMap<>();
        private final List<int[]> words = new ArrayList<>();
        private final List<Long> counts = new ArrayList<>();
        private final Map<Long, Long> pairCounts = new HashMap<>();
        private final Map<Long, Set<Integer>> pairWords = new HashMap<>();

        Merges(Map<String, Long> wordCounts) {
            SPECIAL_TOKENS.forEach(this::symbol);
            // Sorted, so the vocabulary does not depend on hash order.
            wordCounts.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(entry -> addWord(entry.getKey(), entry.getValue()));
        }

        private void addWord(String word, long count) {
            int[] codePoints = word.codePoints().toArray();
            int[] ids = new int[codePoints.length];
            for (int i = 0; i < codePoints.length; i++) {
                String piece = Character.toString(codePoints[i]);
                ids[i] = symbol(i == 0 ? piece : CONTINUATION + piece);
            }
            int index = words.size();
            words.add(ids);
            counts.add(count);
            countPairs(index, +1);
        }

        List<String> run() {
            while (symbols.size() < vocabularySize) {
                Map.Entry<Long, Long> best =
                        pairCounts.entrySet().stream()
                                .max(Comparator.<Map.Entry<Long, Long>>comparingLong(Map.Entry::getValue)
                                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                                .orElse(null);
                if (best == null || best.getValue() < minFrequency) {
                    break;
                }
                merge(best.getKey());
            }
            return List.copyOf(symbols);
        }

        private void merge(long pair) {
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            String rightText = symbols.get(right);
            int merged = symbol(symbols.get(left) + rightText.substring(
                    rightText.startsWith(CONTINUATION) ? CONTINUATION.length() : 0));
            for (int index : List.copyOf(pairWords.getOrDefault(pair, Set.of()))) {
                countPairs(index, -1);
                words.set(index, replace(words.get(index), left, right, merged));
                countPairs(index, +1);
            }
        }

        private int[] replace(int[] word, int left, int right, int merged) {
            int[] out = new int[word.length];
            int length = 0;
            for (int i = 0; i < word.length; i++) {
                if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                    out[length++] = merged;
                    i++;
                } else {
                    out[length++] = word[i];
                }
            }
            return Arrays.copyOf(out, length);
        }

        private void countPairs(int index, int sign) {
            int[] word = words.get(index);
            long count = counts.get(index) * sign;
            for (int i = 0; i + 1 < word.length; i++) {
                long pair = ((long) word[i] << 32) | (word[i + 1] & 0xFFFFFFFFL);
                long updated = pairCounts.merge(pair, count, Long::sum);
                if (updated <= 0) {
                    pairCounts.remove(pair);
                    pairWords.remove(pair);
                } else if (sign > 0) {
                    pairWords.computeIfAbsent(pair, p -> new HashSet<>()).add(index);
                }
            }
        }

        private int symbol(String text) {
            return symbolIds.computeIfAbsent(text, t -> {
                symbols.add(t);
                return symbols.size() - 1;
            });
        }
    }
}
