package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/test}, the README's test command and CI's: on a machine without the tools the
 * tests call it installs the Debian ones as root, and otherwise says in one line what to install
 * before anything is built. Run with a PATH holding only the shell and the tools a test gives it.
 */
class TestScriptTest {

    private static final List<String> ALL_TOOLS = List.of("java", "curl", "shellcheck", "chromium", "cfn-lint", "aws",
            "moto_server");

    @TempDir
    Path dir;

    @Test
    void withoutRootItNamesEveryMissingToolInOneLineAndBuildsNothing() throws Exception {
        ScriptSandbox.Result result = sandbox(false, "java", "curl", "cfn-lint", "aws")
                .run(Map.of("PATH", systemDir().toString()), "scripts/test");

        assertEquals(1, result.exit(), result.toString());
        List<String> lines = result.output().strip().lines().toList();
        assertEquals(1, lines.size(), result.toString());
        assertTrue(lines.get(0).contains("apt-get install shellcheck chromium")
                && lines.get(0).contains("pip install 'moto[server]==5.2.1'"), lines.get(0));
        assertEquals(List.of(), calls(result), "neither apt-get nor the build ran");
    }

    @Test
    void asRootItInstallsTheMissingDebianPackagesWithAptGetThenBuilds() throws Exception {
        ScriptSandbox.Result result = sandbox(true, "java", "curl", "cfn-lint", "aws", "moto_server")
                .run(Map.of("PATH", systemDir().toString()), "scripts/test");

        assertEquals(0, result.exit(), result.toString());
        assertEquals(List.of("apt-get update -qq", "apt-get install -y -qq shellcheck chromium", "mvnw -B -ntp verify"),
                calls(result));
    }

    @Test
    void withEverythingThereCiRunsTheReadmesCommandWithItsArgumentsPassedOn() throws Exception {
        ScriptSandbox sandbox = sandbox(false, ALL_TOOLS.toArray(String[]::new));
        Files.createDirectories(sandbox.root().resolve(".ci"));
        Files.copy(Path.of(".ci/run"), sandbox.root().resolve(".ci/run"));

        ScriptSandbox.Result result = sandbox.run(Map.of("PATH", systemDir().toString()), ".ci/run", "-Dit.test=TryPageIT");

        assertEquals(0, result.exit(), result.toString());
        assertEquals(List.of("mvnw -B -ntp verify -Dit.test=TryPageIT"), calls(result));
    }

    /** The calls that do something: asking who runs it ({@code id}) is not one. */
    private static List<String> calls(ScriptSandbox.Result result) {
        return result.calls().stream().filter(call -> !call.startsWith("id ")).toList();
    }

    /** A copy of scripts/test with {@code tools} as stand-ins, a Maven wrapper that only logs, and apt-get. */
    private ScriptSandbox sandbox(boolean root, String... tools) throws IOException {
        ScriptSandbox sandbox = new ScriptSandbox(dir.resolve("repo"), "scripts/test")
                .file("mvnw", "exit 0")
                .command("id", root ? "echo 0" : "echo 1000");
        for (String tool : tools) {
            sandbox.command(tool, "exit 0");
        }
        // apt-get "installs" a package by putting a stand-in for its command on the PATH.
        return sandbox.command("apt-get", """
                if [[ "$1" == install ]]; then
                  for package in "$@"; do
                    [[ "$package" == -* || "$package" == install ]] && continue
                    printf '#!/usr/bin/env bash\\n' >"$SANDBOX/bin/$package"
                    chmod +x "$SANDBOX/bin/$package"
                  done
                fi""");
    }

    /** This machine's shell and the few commands the script and the stand-ins use, nothing else. */
    private Path systemDir() throws IOException {
        return ScriptSandbox.onlyCommands(dir.resolve("system"), "bash", "dirname", "chmod");
    }
}
