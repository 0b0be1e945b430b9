package dev.transformerlambda.data;

import dev.transformerlambda.digest.Sha256;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.transformerlambda.data.MalformedDataException.Problem;
import dev.transformerlambda.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads labelled text from TSV or CSV (a header naming {@code label} and {@code text} columns; other
 * columns are allowed) or from JSONL ({@code {"text": ..., "label": ...}} per line). A column or
 * field named {@link #GROUP_COLUMN}, where present, groups rows (see {@link LabelledText#group()}).
 * The whole file is checked before anything is returned, so a broken row stops a run before
 * training starts, with every bad line named.
 */
public final class DatasetReader {

    /**
     * The column whose rows belong together: the treebank's phrase files name the training tree
     * (sentence) each phrase comes from.
     */
    public static final String GROUP_COLUMN = "sentence";

    /** Enough to show a pattern without burying the first error. */
    static final int MAX_REPORTED_PROBLEMS = 20;

    private static final CsvMapper CSV =
            CsvMapper.builder()
                    .enable(CsvParser.Feature.WRAP_AS_ARRAY)
                    .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
                    .build();

    private DatasetReader() {}

    /** Reads a local file; its format comes from its extension. */
    public static LabelledDataset read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.toString(), in);
        }
    }

    /**
     * Reads a data set from a stream, for sources other than local files.
     *
     * @param source the name used in messages and in the manifest; its extension gives the format
     */
    public static LabelledDataset read(String source, InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        return new LabelledDataset(source, Sha256.of(bytes), parse(source, bytes, true));
    }

    /**
     * Reads only the texts of a data file, in the same formats, where a label column (or field) may be
     * missing and is ignored if present: text for a teacher to label.
     */
    public static List<String> readTexts(String source, InputStream in) throws IOException {
        return parse(source, in.readAllBytes(), false).stream().map(LabelledText::text).toList();
    }

    private static List<LabelledText> parse(String source, byte[] bytes, boolean labelled) throws IOException {
        String content = decodeUtf8(source, bytes);
        Collector rows = new Collector(source, labelled);
        switch (DataFormat.of(source)) {
            case TSV -> readDelimited(content, '\t', rows);
            case CSV -> readDelimited(content, ',', rows);
            case JSONL -> readJsonLines(content, rows);
        }
        return rows.finish();
    }

    private static void readDelimited(String content, char separator, Collector rows)
            throws IOException {
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(separator);
        if (separator == '\t') {
            // TSV files carry quotes as ordinary characters (SST has both " and '').
            schema = schema.withoutQuoteChar();
        }
        try (MappingIterator<String[]> it =
                CSV.readerFor(String[].class).with(schema).readValues(new StringReader(content))) {
            if (!it.hasNextValue()) {
                rows.problem(1, "the file is empty; expected a header with 'label' and 'text'");
                return;
            }
            List<String> header =
                    Arrays.stream(it.nextValue()).map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
            int labelColumn = header.indexOf("label");
            int textColumn = header.indexOf("text");
            int groupColumn = header.indexOf(GROUP_COLUMN);
            if (textColumn < 0 || labelColumn < 0 && rows.labelled) {
                rows.problem(1, "the header " + header + " must name " + (rows.labelled ? "a 'label' and " : "")
                        + "a 'text' column");
                return;
            }
            while (it.hasNextValue()) {
                long line = it.getCurrentLocation().getLineNr();
                String[] row;
                try {
                    row = it.nextValue();
                } catch (JsonProcessingException e) {
                    rows.problem(line, "unreadable row: " + e.getOriginalMessage());
                    return;
                }
                if (row.length != header.size()) {
                    rows.problem(line, "expected " + header.size() + " columns, found " + row.length);
                    continue;
                }
                rows.add(line, row[textColumn], labelColumn < 0 ? null : row[labelColumn],
                        groupColumn < 0 ? null : row[groupColumn]);
            }
        } catch (JsonProcessingException e) {
            rows.problem(e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "unreadable row: " + e.getOriginalMessage());
        }
    }

    private static void readJsonLines(String content, Collector rows) {
        List<String> lines = content.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            long line = i + 1L;
            String json = lines.get(i);
            if (json.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                rows.problem(line, "not valid JSON: " + e.getOriginalMessage());
                continue;
            }
            if (!node.isObject()) {
                rows.problem(line, "expected a JSON object with 'text' and 'label'");
                continue;
            }
            JsonNode text = node.get("text");
            JsonNode label = node.get("label");
            JsonNode group = node.get(GROUP_COLUMN);
            String groupValue = group == null || group.isNull() ? null : group.asText();
            if (text == null || !text.isTextual()) {
                rows.problem(line, "'text' must be a string");
            } else if (!rows.labelled) {
                rows.add(line, text.asText(), null, groupValue);
            } else if (label == null || !label.isValueNode() || label.isNull()) {
                rows.problem(line, "'label' must be a string or a number");
            } else {
                rows.add(line, text.asText(), label.asText(), groupValue);
            }
        }
    }

    private static String decodeUtf8(String source, byte[] bytes) throws MalformedDataException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return failEncoding(source, bytes);
        }
    }

    private static String failEncoding(String source, byte[] bytes) throws MalformedDataException {
        // Find the first line that does not decode, so the message points at it.
        long line = 1;
        int lineStart = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes, lineStart, i - lineStart));
                } catch (CharacterCodingException e) {
                    break;
                }
                line++;
                lineStart = i + 1;
            }
        }
        throw new MalformedDataException(source, List.of(new Problem(line, "not valid UTF-8")));
    }

    /** Accepts good rows and remembers bad ones, so one read reports them all. */
    private static final class Collector {
        private final String source;
        private final boolean labelled;
        private final List<LabelledText> examples = new ArrayList<>();
        private final List<Problem> problems = new ArrayList<>();

        /** @param labelled whether every row must carry a label */
        Collector(String source, boolean labelled) {
            this.source = source;
            this.labelled = labelled;
        }

        void add(long line, String text, String label, String group) {
            if (labelled && (label == null || label.isBlank())) {
                problem(line, "the label is empty");
            } else if (text == null || text.isBlank()) {
                problem(line, "the text is empty");
            } else {
                examples.add(new LabelledText(text.strip(), label == null ? "" : label.strip(),
                        group == null || group.isBlank() ? null : group.strip()));
            }
        }

        void problem(long line, String reason) {
            if (problems.size() < MAX_REPORTED_PROBLEMS) {
                problems.add(new Problem(line, reason));
            }
        }

        List<LabelledText> finish() throws MalformedDataException {
            if (!problems.isEmpty()) {
                throw new MalformedDataException(source, problems);
            }
            if (examples.isEmpty()) {
                throw new MalformedDataException(source, List.of(new Problem(1, "no examples")));
            }
            return examples;
        }
    }
}
