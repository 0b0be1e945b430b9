package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The linters, on every build: cfn-lint over the CloudFormation templates (errors and warnings both
 * fail) and shellcheck over the shell scripts. A machine without one fails here, saying what to
 * install, rather than passing unchecked (scripts/test installs shellcheck where it can).
 */
class LintTest {

    @Test
    void cfnLintFindsNothingInTheTemplates() throws Exception {
        List<String> command = new ArrayList<>(List.of("cfn-lint", "--", TemplatesTest.SAM.toString()));
        TemplatesTest.templates().filter(t -> !t.equals(TemplatesTest.SAM)).forEach(t -> command.add(t.toString()));

        run(command, "cfn-lint (with the CloudFormation schemas and the SAM translator): pip install cfn-lint");
    }

    @Test
    void shellcheckFindsNothingInTheShellScripts() throws Exception {
        List<String> scripts = shellScripts();
        assertTrue(scripts.contains("scripts/deploy") && scripts.contains("scripts/lib/local-s3.sh"), scripts.toString());
        List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources"));
        command.addAll(scripts);

        run(command, "shellcheck: apt-get install shellcheck (scripts/test does so when it runs as root)");
    }

    /** Every file in scripts/ (and below) that is a shell script, the function's bootstrap, and .ci/run. */
    private static List<String> shellScripts() throws IOException {
        List<String> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("scripts"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String firstLine = Files.readAllLines(file).stream().findFirst().orElse("");
                if (file.toString().endsWith(".sh") || firstLine.matches("#!.*\\b(ba)?sh\\b.*")) {
                    scripts.add(file.toString());
                }
            }
        }
        scripts.addAll(List.of("src/main/docker/bootstrap", ".ci/run"));
        return scripts;
    }

    private static void run(List<String> command, String install) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(command.get(0) + " is not on the PATH, so nothing was checked; install " + install, e);
            return;
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(command.get(0) + " did not finish within 5 minutes");
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + " found:\n" + output);
    }
}
