package dev.transformerlambda.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.transformerlambda.data.DataFormat;
import dev.transformerlambda.json.Json;
import dev.transformerlambda.scoring.InputRow.Refused;
import dev.transformerlambda.scoring.InputRow.RowPosition;
import dev.transformerlambda.scoring.InputRow.Text;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.http.Abortable;

/**
 * Reads the rows of one split. JSON Lines and TSV are read line by line from the split's first
 * byte: a split that starts inside a line skips to the next one, and the row that begins before the
 * split's end is read to its end, so no row is lost or read twice at a boundary. CSV (quoted fields
 * may span lines) and gzip are only ever read whole.
 */
final class SplitReader implements Closeable {

    /** A longer line is refused unread rather than held in memory. */
    static final int MAX_LINE_BYTES = 8 << 20;

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private final Split split;
    private final DataFormat format;
    private final RowRules rules;
    private final CountingStream raw;
    private final InputStream in;
    private List<String> header;
    private MappingIterator<String[]> csvRows;
    private long line;
    private long position;

    private SplitReader(Split split, DataFormat format, RowRules rules, CountingStream raw, InputStream in) {
        this.split = split;
        this.format = format;
        this.rules = rules;
        this.raw = raw;
        this.in = in;
    }

    static SplitReader open(ScoringFolder folder, Split split, RowRules rules) throws IOException {
        DataFormat format = DataFormat.of(split.object().formatName());
        // From the byte before the split: if that byte ends a line, the split starts on a line.
        long from = Math.max(0, split.start() - 1);
        CountingStream raw = new CountingStream(folder.open(split.object(), from), from);
        InputStream in = new BufferedInputStream(split.object().compressed() ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16);
        SplitReader reader = new SplitReader(split, format, rules, raw, in);
        try {
            reader.begin(folder);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
        return reader;
    }

    private void begin(ScoringFolder folder) throws IOException {
        position = Math.max(0, split.start() - 1);
        if (split.start() > 0) {
            readLine(); // the end of the line the previous split read
        }
        switch (format) {
            case CSV -> {
                CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(',');
                csvRows = CSV.readerFor(String[].class).with(schema).readValues(in);
                header = csvRows.hasNextValue() ? normalised(csvRows.nextValue()) : List.of();
                requireTextColumn();
            }
            case TSV -> {
                if (split.start() == 0) {
                    byte[] first = readLine();
                    header = first == null ? List.of() : normalised(decode(first).split("\t", -1));
                    line = 1;
                } else {
                    try (SplitReader whole = open(folder, new Split(split.index(), split.object(), 0, 1), rules)) {
                        header = whole.header;
                    }
                }
                requireTextColumn();
            }
            case JSONL -> {
                // no header
            }
        }
    }

    private static List<String> normalised(String[] names) {
        return Arrays.stream(names).map(String::strip).toList();
    }

    private void requireTextColumn() throws IOException {
        if (!header.contains(rules.textField())) {
            throw new UnreadableInputException(split.object().name() + ": the header " + header + " has no '" + rules.textField()
                    + "' column (--text-field)");
        }
    }

    /** Bytes of the object read so far, for progress. */
    long bytesRead() {
        return raw.count - split.start();
    }

    /** The next row, or null after the split's last one. */
    InputRow next() throws IOException {
        if (format == DataFormat.CSV) {
            return nextCsv();
        }
        while (true) {
            long offset = position;
            if (!split.object().compressed() && offset >= split.end()) {
                return null;
            }
            byte[] bytes = readLine();
            if (bytes == null) {
                return null;
            }
            RowPosition where = split.start() == 0 ? RowPosition.line(split.object().name(), ++line)
                    : RowPosition.offset(split.object().name(), offset);
            if (bytes.length > MAX_LINE_BYTES) {
                return new Refused(where, "", "a line of over " + MAX_LINE_BYTES + " bytes");
            }
            String text;
            try {
                text = decode(bytes);
            } catch (CharacterCodingException e) {
                return new Refused(where, new String(bytes, StandardCharsets.UTF_8), "not valid UTF-8");
            }
            if (text.isBlank()) {
                continue;
            }
            return format == DataFormat.JSONL ? jsonRow(where, text) : tsvRow(where, text);
        }
    }

    private InputRow jsonRow(RowPosition where, String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return new Refused(where, text, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            return new Refused(where, text, "expected a JSON object with a '" + rules.textField() + "' field");
        }
        JsonNode value = object.get(rules.textField());
        if (value == null || !value.isTextual()) {
            return new Refused(where, text, "no '" + rules.textField() + "' string field (--text-field)");
        }
        String id = null;
        if (rules.idField() != null) {
            JsonNode idValue = object.get(rules.idField());
            if (idValue == null || !idValue.isValueNode() || idValue.isNull()) {
                return new Refused(where, text, "no '" + rules.idField() + "' field (--id-field)");
            }
            id = idValue.asText();
        }
        return checked(where, text, id, value.asText(), object);
    }

    private InputRow tsvRow(RowPosition where, String text) {
        String[] cells = text.split("\t", -1);
        return cellsRow(where, text, cells);
    }

    private InputRow nextCsv() throws IOException {
        try {
            if (!csvRows.hasNextValue()) {
                return null;
            }
            long at = csvRows.getParser().currentLocation().getLineNr();
            String[] cells = csvRows.nextValue();
            RowPosition where = RowPosition.line(split.object().name(), at);
            if (cells.length == 1 && cells[0].isBlank()) {
                return nextCsv();
            }
            return cellsRow(where, String.join(",", cells), cells);
        } catch (JsonProcessingException e) {
            throw new UnreadableInputException(split.object().name() + " line " + e.getLocation().getLineNr()
                    + ": unreadable CSV, the rest of the object cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private InputRow cellsRow(RowPosition where, String raw, String[] cells) {
        if (cells.length != header.size()) {
            return new Refused(where, raw, "expected " + header.size() + " columns, found " + cells.length);
        }
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < cells.length; i++) {
            fields.put(header.get(i), cells[i]);
        }
        String id = rules.idField() == null ? null : fields.path(rules.idField()).asText(null);
        if (rules.idField() != null && id == null) {
            return new Refused(where, raw, "no '" + rules.idField() + "' column (--id-field)");
        }
        return checked(where, raw, id, fields.get(rules.textField()).asText(), fields);
    }

    private InputRow checked(RowPosition where, String raw, String id, String text, ObjectNode fields) {
        if (text.isBlank()) {
            return new Refused(where, raw, "empty text");
        }
        if (text.length() > rules.maxTextChars()) {
            return new Refused(where, raw, "a text of " + text.length() + " characters, over --max-text-chars "
                    + rules.maxTextChars());
        }
        return new Text(where, id == null ? where.id() : id, text, rules.joinInput() ? fields : null);
    }

    /** One line without its end ({@code \n} or {@code \r\n}); null at the end of the stream. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            position++;
            if (b == '\n') {
                break;
            }
            if (bytes.size() <= MAX_LINE_BYTES) {
                bytes.write(b);
            }
        }
        if (!any) {
            return null;
        }
        byte[] line = bytes.toByteArray();
        int length = line.length;
        if (length > 0 && line[length - 1] == '\r' && length <= MAX_LINE_BYTES) {
            return Arrays.copyOf(line, length - 1);
        }
        return line;
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    @Override
    public void close() throws IOException {
        // An S3 stream closed before its end would be drained to the end of the object first.
        if (raw.source instanceof Abortable abortable) {
            abortable.abort();
        }
        in.close();
    }

    /** Counts the bytes read from the object, under any decompression. */
    private static final class CountingStream extends FilterInputStream {
        private final InputStream source;
        private long count;

        CountingStream(InputStream source, long start) {
            super(source);
            this.source = source;
            this.count = start;
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
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
