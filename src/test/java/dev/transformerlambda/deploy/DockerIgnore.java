package dev.transformerlambda.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code .dockerignore} file, matched as Docker matches it: one pattern a line ({@code *} and
 * {@code ?} within a path segment, {@code **} across segments), a leading {@code !} re-includes, a
 * pattern also covers everything below what it matches, and the last pattern that matches wins
 * (character classes are not read: this repository's file has none).
 */
record DockerIgnore(List<Rule> rules) {

    /** One line: its pattern as a regular expression, and whether it re-includes. */
    record Rule(Pattern pattern, boolean include) {}

    static DockerIgnore read(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            boolean include = text.startsWith("!");
            String pattern = clean(include ? text.substring(1).strip() : text);
            rules.add(new Rule(Pattern.compile(regex(pattern)), include));
        }
        return new DockerIgnore(rules);
    }

    /** Whether {@code path} (relative to the context, with / separators) stays out of the build context. */
    boolean excludes(String path) {
        String cleaned = clean(path);
        boolean excluded = false;
        for (Rule rule : rules) {
            if (matchesOrParentMatches(rule.pattern(), cleaned)) {
                excluded = !rule.include();
            }
        }
        return excluded;
    }

    private static boolean matchesOrParentMatches(Pattern pattern, String path) {
        String candidate = path;
        while (true) {
            if (pattern.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    /** As Docker cleans patterns and paths: no leading "./" or "/", no trailing "/". */
    private static String clean(String path) {
        String cleaned = path.replaceAll("/+", "/").replaceAll("^(\\./|/)+", "");
        return cleaned.endsWith("/") ? cleaned.substring(0, cleaned.length() - 1) : cleaned;
    }

    private static String regex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
