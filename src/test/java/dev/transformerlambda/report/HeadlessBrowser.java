package dev.transformerlambda.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.commons.io.FileUtils;

/**
 * Renders a page in a real headless browser (Debian's {@code chromium}) and checks what came out:
 * no console errors (a script error, an SVG attribute the browser cannot read) and a screenshot that
 * is not blank. A machine without chromium fails here, saying what to install, rather than passing
 * unchecked (scripts/test installs it where it can).
 */
public final class HeadlessBrowser {

    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome");

    private HeadlessBrowser() {}

    /** What the browser made of a page. */
    public record Rendering(Path screenshot, double inkedShare, int colours, List<String> console) {}

    /**
     * Renders {@code page} and takes a screenshot into {@code screenshot}, asserting that the
     * browser reported no error and that the screenshot shows something.
     */
    public static Rendering assertRenders(Path page, Path screenshot) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile-");
        Path log = Files.createTempFile("chromium-", ".log");
        try {
            Files.createDirectories(screenshot.toAbsolutePath().getParent());
            Files.deleteIfExists(screenshot);
            List<String> command = List.of(browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--hide-scrollbars", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                    "--window-size=1100,3600", "--screenshot=" + screenshot.toAbsolutePath(),
                    page.toAbsolutePath().toUri().toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("chromium did not finish within 120 s: " + Files.readString(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);
            // Console messages (script errors, unreadable SVG attributes) are logged as ":CONSOLE".
            List<String> console = output.lines().filter(line -> line.contains(":CONSOLE")).toList();
            assertTrue(console.isEmpty(), "the browser reported:\n" + String.join("\n", console));
            assertTrue(Files.isRegularFile(screenshot), "no screenshot: " + output);

            double[] ink = assertNotBlank(screenshot);
            return new Rendering(screenshot, ink[0], (int) ink[1], console);
        } finally {
            Files.deleteIfExists(log);
            FileUtils.deleteDirectory(profile.toFile());
        }
    }

    /**
     * Asserts that a screenshot shows something: over 2% of it inked and more than 32 colours.
     *
     * @return the inked share and the number of colours
     */
    static double[] assertNotBlank(Path screenshot) throws IOException {
        BufferedImage image = ImageIO.read(screenshot.toFile());
        long inked = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (((rgb >> 16) & 0xff) < 0xf0 || ((rgb >> 8) & 0xff) < 0xf0 || (rgb & 0xff) < 0xf0) {
                    inked++;
                }
            }
        }
        double share = (double) inked / ((long) image.getWidth() * image.getHeight());
        assertTrue(share > 0.02 && colours.size() > 32, screenshot + " looks blank: " + share
                + " of it inked, " + colours.size() + " colours");
        return new double[] {share, colours.size()};
    }

    static String browser() {
        for (String name : BROWSERS) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return fail("no headless browser (" + String.join(", ", BROWSERS) + ") on the PATH: apt-get install"
                + " chromium (scripts/test does so when it runs as root)");
    }
}
