package dev.transformerlambda.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ModelArtifact;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Parse-level checks of a training report: well-formed (so a strict parser reads every element,
 * inline SVG included), self-contained, and saying what its manifest says.
 */
public final class ReportChecks {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    private ReportChecks() {}

    /** Parses the report as XML: it is written to be both HTML5 and well-formed XML. */
    public static Document parse(String html) throws Exception {
        assertTrue(html.startsWith("<!DOCTYPE html>"), "an HTML5 document");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** Nothing to fetch: no scripts, no linked resources, no URLs in styles. */
    public static void assertSelfContained(Document document, String html) {
        assertEquals(0, document.getElementsByTagName("script").getLength(), "no scripts");
        assertEquals(0, document.getElementsByTagName("link").getLength(), "no linked stylesheets");
        for (String attribute : List.of("src", "href", "xlink:href")) {
            assertFalse(html.contains(" " + attribute + "=\""), "no " + attribute + " attribute");
        }
        assertFalse(html.contains("url("), "no url() in styles");
        assertFalse(html.contains("@import"), "no @import in styles");
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").contains("http"), "no other URL at all");
        assertFalse(html.contains("NaN") || html.contains("Infinity"), "no non-finite number drawn");
    }

    /**
     * Every element marked with a manifest pointer shows that value: text values exactly, numbers
     * to the precision shown (the last number in the element's text, a point's tooltip included).
     *
     * @return how many values were checked
     */
    public static int assertNumbersMatch(Document document, ArtifactManifest manifest) throws Exception {
        JsonNode json = new ObjectMapper().readTree(ModelArtifact.toJson(manifest));
        NodeList all = document.getElementsByTagName("*");
        int checked = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            String pointer = element.getAttribute("data-manifest");
            if (pointer.isEmpty()) {
                continue;
            }
            JsonNode expected = json.at(pointer);
            assertFalse(expected.isMissingNode() || expected.isNull(), pointer + " is in the manifest");
            String shown = element.getTextContent().trim();
            if (expected.isNumber()) {
                Matcher numbers = NUMBER.matcher(shown);
                String last = null;
                while (numbers.find()) {
                    last = numbers.group();
                }
                if (last == null) {
                    mismatches.add(pointer + ": no number in '" + shown + "'");
                    continue;
                }
                BigDecimal value = new BigDecimal(last);
                double tolerance = value.ulp().doubleValue() / 2 * (1 + 1e-9) + Math.ulp(expected.asDouble());
                if (Math.abs(value.doubleValue() - expected.asDouble()) > tolerance) {
                    mismatches.add(pointer + ": shows " + last + ", the manifest says " + expected);
                }
            } else if (!shown.equals(expected.asText())) {
                mismatches.add(pointer + ": shows '" + shown + "', the manifest says '" + expected.asText() + "'");
            }
            checked++;
        }
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        return checked;
    }

    /** The pointers the report marks, in document order. */
    public static List<String> pointers(Document document) {
        List<String> pointers = new ArrayList<>();
        NodeList all = document.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            String pointer = ((Element) all.item(i)).getAttribute("data-manifest");
            if (!pointer.isEmpty()) {
                pointers.add(pointer);
            }
        }
        return pointers;
    }

    /** The text of every element named {@code tag}. */
    public static List<String> texts(Document document, String tag) {
        List<String> texts = new ArrayList<>();
        NodeList elements = document.getElementsByTagName(tag);
        for (int i = 0; i < elements.getLength(); i++) {
            texts.add(elements.item(i).getTextContent().trim());
        }
        return texts;
    }
}
