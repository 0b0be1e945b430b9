package dev.transformerlambda.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An operator script run in a scratch copy of the repository, with stand-ins for what it calls
 * ({@code aws}, {@code sam}, {@code docker}, {@code ./mvnw}, other scripts), so that what it does
 * with their answers can be checked without AWS or Docker. Each stand-in appends its name and
 * arguments to a call log, then runs the shell code the test gave it, with {@code $SANDBOX} the
 * copy's root.
 */
final class ScriptSandbox {

    /** What a run printed (stdout and stderr together), its exit status, and the stand-ins' calls in order. */
    record Result(int exit, String output, List<String> calls) {

        /** The position of the first call starting with {@code prefix}, or -1. */
        int indexOf(String prefix) {
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).startsWith(prefix)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n" + output + "\ncalls:\n" + String.join("\n", calls);
        }
    }

    private final Path root;

    /** A sandbox in {@code root} holding copies of {@code files} (paths in this repository). */
    ScriptSandbox(Path root, String... files) throws IOException {
        this.root = root;
        for (String file : files) {
            Path copy = root.resolve(file);
            Files.createDirectories(copy.getParent());
            Files.copy(Path.of(file), copy, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.createDirectories(root.resolve("bin"));
    }

    Path root() {
        return root;
    }

    /** A stand-in for a command found on the PATH. */
    ScriptSandbox command(String name, String shell) throws IOException {
        return stub(root.resolve("bin").resolve(name), name, shell);
    }

    /** A stand-in for a file of the repository ({@code mvnw}, {@code scripts/push-images}). */
    ScriptSandbox file(String path, String shell) throws IOException {
        Files.createDirectories(root.resolve(path).getParent());
        return stub(root.resolve(path), path, shell);
    }

    private ScriptSandbox stub(Path file, String name, String shell) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\nprintf '%s\\n' \"" + name + " $*\" >>\"$SANDBOX/calls.log\"\n"
                + shell + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    /**
     * Runs {@code script} (a path in the copy) with {@code args}, the stand-ins first on the PATH
     * (before {@code environment}'s {@code PATH} where it has one, else this machine's).
     */
    Result run(Map<String, String> environment, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("output.log").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("SANDBOX", root.toString());
        // A PATH given replaces this machine's, so a test can say which tools are missing.
        builder.environment().put("PATH", root.resolve("bin") + ":" + environment.getOrDefault("PATH", System.getenv("PATH")));
        Process process = builder.start();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(script + " did not end within a minute:\n" + read("output.log"));
        }
        String calls = read("calls.log");
        return new Result(process.exitValue(), read("output.log"), calls.isEmpty() ? List.of() : List.of(calls.split("\n")));
    }

    /**
     * A folder holding only {@code commands} of this machine (the shell, a few utilities), for a
     * PATH on which every other tool is missing.
     */
    static Path onlyCommands(Path dir, String... commands) throws IOException {
        Files.createDirectories(dir);
        for (String command : commands) {
            Path wrapper = dir.resolve(command);
            // A wrapper rather than a link: JUnit warns about links that leave its temporary directory.
            Files.writeString(wrapper, "#!/bin/sh\nexec " + locate(command) + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    /** Where {@code command} is on this machine's PATH. */
    static Path locate(String command) {
        for (String entry : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(entry, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(command + " is not on the PATH");
    }

    private String read(String file) throws IOException {
        Path path = root.resolve(file);
        return Files.exists(path) ? Files.readString(path) : "";
    }
}
