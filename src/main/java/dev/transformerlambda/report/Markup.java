package dev.transformerlambda.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Writes markup that is both HTML5 and well-formed XML (every element closed, every attribute
 * quoted, every text escaped, numeric character references only), so a browser renders it and a
 * plain XML parser can check it, inline SVG included.
 */
final class Markup {

    private final StringBuilder out = new StringBuilder();
    private final Deque<String> open = new ArrayDeque<>();

    /** Opens {@code tag} with attributes given as name, value pairs; a null value leaves it out. */
    Markup open(String tag, Object... attributes) {
        out.append('<').append(tag);
        attributes(attributes);
        out.append('>');
        open.push(tag);
        return this;
    }

    /** Closes the innermost open element. */
    Markup close() {
        out.append("</").append(open.pop()).append('>');
        return this;
    }

    /** An element holding only {@code text}. */
    Markup element(String tag, Object text, Object... attributes) {
        return open(tag, attributes).text(text).close();
    }

    /** An element with no content, written {@code <tag/>} (HTML reads the slash on void and SVG elements). */
    Markup empty(String tag, Object... attributes) {
        out.append('<').append(tag);
        attributes(attributes);
        out.append("/>");
        return this;
    }

    Markup text(Object text) {
        out.append(escape(String.valueOf(text)));
        return this;
    }

    /** Markup written elsewhere, already escaped. */
    Markup raw(String markup) {
        out.append(markup);
        return this;
    }

    @Override
    public String toString() {
        if (!open.isEmpty()) {
            throw new IllegalStateException("unclosed elements: " + open);
        }
        return out.toString();
    }

    private void attributes(Object... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        for (int i = 0; i < attributes.length; i += 2) {
            Object value = attributes[i + 1];
            if (value != null) {
                out.append(' ').append(attributes[i]).append("=\"").append(escape(format(value))).append('"');
            }
        }
    }

    /** Coordinates and sizes: two decimals at most, never a locale's decimal comma. */
    private static String format(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("not a finite number: " + number);
            }
            return String.format(Locale.ROOT, "%.2f", number).replaceAll("\\.?0+$", "");
        }
        return String.valueOf(value);
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> {
                    // Control characters are not allowed in XML 1.0 text at all.
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        escaped.append('\uFFFD');
                    } else {
                        escaped.appendCodePoint(c);
                    }
                }
            }
        });
        return escaped.toString();
    }
}
