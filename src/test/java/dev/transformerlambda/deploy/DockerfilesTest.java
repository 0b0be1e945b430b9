package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a reviewer of the Dockerfiles checks without a Docker engine: every COPY source is in the
 * build context that .dockerignore leaves, nothing else is, and the GPU image holds no CPU
 * libtorch and no second copy of CUDA's libraries.
 */
class DockerfilesTest {

    private static final Path DOCKER = Path.of("src/main/docker");
    private static final Path GPU = DOCKER.resolve("Dockerfile.training-gpu");

    /** One instruction, its continuation lines joined. */
    record Instruction(String keyword, List<String> arguments) {}

    static Stream<Path> dockerfiles() throws IOException {
        try (Stream<Path> files = Files.list(DOCKER)) {
            return files.filter(f -> f.getFileName().toString().startsWith("Dockerfile")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("dockerfiles")
    void everyCopySourceIsInTheBuildContext(Path dockerfile) throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Path.of(".dockerignore"));
        List<String> sources = copySources(dockerfile);
        assertFalse(sources.isEmpty(), dockerfile + " copies nothing");
        for (String source : sources) {
            assertFalse(ignore.excludes(source), source + " is left out by .dockerignore");
            if (source.endsWith("/")) {
                assertFalse(ignore.excludes(source + "any-file"), source + "'s contents are left out by .dockerignore");
            }
        }
    }

    @Test
    void theBuildContextHoldsOnlyWhatTheDockerfilesCopy() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Path.of(".dockerignore"));
        List<String> copied = new ArrayList<>();
        for (Path dockerfile : dockerfiles().toList()) {
            copied.add(dockerfile.toString()); // read from the context by sam build (docker-py)
            copied.addAll(copySources(dockerfile).stream().map(s -> s.replaceAll("/$", "")).toList());
        }
        List<String> sentNeedlessly = new ArrayList<>();
        List<String> paths = new ArrayList<>(List.of(".git", "target/lib/some.jar", "target/quarkus-app/app.jar",
                "target/models/sst2/weights.params", "target/failsafe-reports/report.xml", "target/benchmark/run.log"));
        if (Files.isDirectory(Path.of("target"))) {
            try (Stream<Path> built = Files.list(Path.of("target"))) {
                built.forEach(p -> paths.add("target/" + p.getFileName() + (Files.isDirectory(p) ? "/some-file" : "")));
            }
        }
        try (Stream<Path> files = Files.walk(Path.of("."))) {
            files.map(p -> Path.of(".").relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.isEmpty() && !p.startsWith(".git") && !p.startsWith("target"))
                    .forEach(paths::add);
        }
        for (String path : paths) {
            boolean isCopied = copied.stream().anyMatch(c -> path.equals(c) || path.startsWith(c + "/"));
            boolean isAbove = copied.stream().anyMatch(c -> c.startsWith(path + "/"));
            if (!isCopied && !isAbove && !ignore.excludes(path)) {
                sentNeedlessly.add(path);
            }
        }
        assertEquals(List.of(), sentNeedlessly, "sent to Docker but copied by no Dockerfile");
    }

    @Test
    void theGpuImageCopiesNoCpuLibtorch() throws Exception {
        for (String source : copySources(GPU)) {
            assertFalse(source.contains("pytorch-native-cpu"), source);
            assertFalse(source.startsWith("target/cli-lib"), "target/cli-lib holds the CPU libtorch (112 MB): " + source);
        }
        // The classpath it copies is made without it.
        String lib = copySources(GPU).stream().filter(s -> s.endsWith("-lib/")).findFirst().orElseThrow();
        Element execution = dependencyCopyInto(lib.replaceAll("/$", ""));
        assertTrue(text(execution, "excludeArtifactIds").contains("pytorch-native-cpu"),
                lib + " is made with the CPU libtorch in it");
    }

    @Test
    void theGpuImagesBaseHoldsNoCudaLibrariesLibtorchBundles() throws IOException {
        List<String> bases = instructions(GPU).stream().filter(i -> i.keyword().equals("FROM"))
                .map(i -> i.arguments().get(0)).toList();
        assertFalse(bases.isEmpty());
        for (String base : bases) {
            assertFalse(base.contains("cudnn"), "libtorch's with-deps build brings its own cuDNN: " + base);
        }
    }

    /** The sources of COPY instructions that copy from the build context (not --from another stage). */
    static List<String> copySources(Path dockerfile) throws IOException {
        List<String> sources = new ArrayList<>();
        for (Instruction instruction : instructions(dockerfile)) {
            if (!instruction.keyword().equals("COPY") && !instruction.keyword().equals("ADD")) {
                continue;
            }
            List<String> arguments = instruction.arguments();
            if (arguments.stream().anyMatch(a -> a.startsWith("--from"))) {
                continue;
            }
            List<String> paths = arguments.stream().filter(a -> !a.startsWith("--")).toList();
            sources.addAll(paths.subList(0, paths.size() - 1));
        }
        return sources;
    }

    static List<Instruction> instructions(Path dockerfile) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String text = line.strip();
            if (text.startsWith("#") || (text.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (text.endsWith("\\")) {
                pending.append(text, 0, text.length() - 1).append(' ');
                continue;
            }
            pending.append(text);
            String[] words = pending.toString().strip().split("\\s+");
            instructions.add(new Instruction(words[0].toUpperCase(), Arrays.asList(words).subList(1, words.length)));
            pending.setLength(0);
        }
        return instructions;
    }

    /** The maven-dependency-plugin execution of pom.xml that fills {@code directory}. */
    private static Element dependencyCopyInto(String directory) throws Exception {
        NodeList executions = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
                .getElementsByTagName("execution");
        for (int i = 0; i < executions.getLength(); i++) {
            Element execution = (Element) executions.item(i);
            if (text(execution, "outputDirectory").equals("${project.build.directory}/" + directory.replace("target/", ""))) {
                return execution;
            }
        }
        throw new AssertionError("no execution in pom.xml fills " + directory);
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }
}
