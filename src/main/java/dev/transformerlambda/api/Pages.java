package dev.transformerlambda.api;

import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.serving.ModelReports;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pages a person reads: {@code GET /}, a page to try the model ({@code pages/try.html}), and
 * {@code GET /model/report}, the served version's training report. Each is sent with a
 * Content-Security-Policy that allows its own inline scripts and styles by their hashes and nothing
 * else: no other origin, no injected markup that could run.
 */
final class Pages {

    static final String TRY_PAGE = "pages/try.html";
    static final String HTML = "text/html; charset=utf-8";

    private static final Pattern INLINE = Pattern.compile("<(script|style)(?:\\s[^>]*)?>(.*?)</\\1>", Pattern.DOTALL);
    /** What both pages allow beyond their own inline code: nothing fetched, framed, submitted or based elsewhere. */
    private static final String LOCKED = "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private final ApiAnswer tryPage;
    private final ModelReports reports;

    Pages(ModelReports reports) {
        this.reports = reports;
        String page = readResource(TRY_PAGE);
        // The page calls the API it came from, and nothing else.
        this.tryPage = html(page, policy(page) + "; connect-src 'self'");
    }

    ApiAnswer tryPage() {
        return tryPage;
    }

    /** The served version's report; a 404 for a version published without one. */
    ApiAnswer report() {
        ModelReports.Report report = reports.served();
        String html = report.html().orElseThrow(() -> new ApiException(404, "not_found", "version "
                + report.version() + " has no training report: it was published without report.html"));
        // A report is data from the registry, not code: sandboxed, and no script of its own may run.
        return html(html, policy(html) + "; sandbox");
    }

    /**
     * The policy for {@code html}: {@link #LOCKED}, plus each inline script and style element it
     * holds, by the SHA-256 of its text exactly as written.
     */
    static String policy(String html) {
        Set<String> scripts = new LinkedHashSet<>();
        Set<String> styles = new LinkedHashSet<>();
        Matcher inline = INLINE.matcher(html);
        while (inline.find()) {
            String hash = "'sha256-" + Base64.getEncoder().encodeToString(
                    Sha256.newDigest().digest(inline.group(2).getBytes(StandardCharsets.UTF_8))) + "'";
            (inline.group(1).equals("script") ? scripts : styles).add(hash);
        }
        StringBuilder policy = new StringBuilder(LOCKED);
        if (!scripts.isEmpty()) {
            policy.append("; script-src ").append(String.join(" ", scripts));
        }
        if (!styles.isEmpty()) {
            policy.append("; style-src ").append(String.join(" ", styles));
        }
        return policy.toString();
    }

    private static ApiAnswer html(String html, String policy) {
        return new ApiAnswer(200, html, HTML, Map.of(
                "Content-Security-Policy", policy,
                "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer",
                // The same URL shows another version's report after a swap.
                "Cache-Control", "no-cache"), Double.NaN);
    }

    static String readResource(String name) {
        try (InputStream in = Pages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the function's classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
