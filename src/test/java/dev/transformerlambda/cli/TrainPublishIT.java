package dev.transformerlambda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.pretrained.TinyBertCheckpoint;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.PointerMovedException;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.registry.VersionInfo;
import dev.transformerlambda.report.ReportChecks;
import dev.transformerlambda.training.PromotionGate;
import dev.transformerlambda.training.TinyModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** {@code train} from S3 data straight into the S3 registry, with the promotion gate. */
class TrainPublishIT {

    private static final RegistryUri REGISTRY = RegistryUri.parse("s3://models/gate/sst2");

    private static LocalS3Server server;
    private static S3Client s3;

    @BeforeAll
    static void startS3WithData() throws Exception {
        server = LocalS3Server.start("models", "data");
        s3 = server.client();
        for (String name : List.of("sentiment-train.tsv", "sentiment-dev.tsv")) {
            s3.putObject(PutObjectRequest.builder().bucket("data").key("sst/" + name).build(),
                    RequestBody.fromFile(Path.of(TrainPublishIT.class.getResource("/fixtures/" + name).toURI())));
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
        server.close();
    }

    @Test
    void promotesTheFirstAndBetterModelsButOnlyPublishesAWorseOne() throws Exception {
        ModelRegistry registry = new ModelRegistry(s3, REGISTRY);

        Run first = train("--seed", "1");
        assertEquals(0, first.exit(), first.output());
        String v1 = registry.current().orElseThrow().pointer().version();
        assertEquals("first-version", promotion(v1).get("decision").asText());

        Run worse = train("--seed", "2", "--epochs", "1", "--learning-rate", "0.000001", "--warmup", "0");
        assertEquals(TrainCommand.NOT_PROMOTED, worse.exit(), worse.output());
        assertTrue(worse.output().contains("not promoted: accuracy"), worse.output());
        assertEquals(v1, registry.current().orElseThrow().pointer().version(), "the served version did not move");
        List<String> versions = new ArrayList<>(registry.list().stream().map(VersionInfo::version).toList());
        versions.remove(v1);
        JsonNode rejected = promotion(versions.get(0));
        assertEquals("not-promoted", rejected.get("decision").asText());
        assertEquals(v1, rejected.get("comparedWith").asText());
        assertTrue(rejected.get("accuracy").asDouble() < rejected.get("comparedAccuracy").asDouble());
        assertReportComparesBothModels(registry, versions.get(0));

        Run tolerated = train("--seed", "3", "--promotion-margin", "1.0");
        assertEquals(0, tolerated.exit(), tolerated.output());
        assertTrue(tolerated.output().contains("promoted "), tolerated.output());
        assertEquals(3, registry.list().size());
        assertEquals(v1, registry.current().orElseThrow().pointer().previous());
    }

    /** current.json names a version whose files are gone: the gate cannot compare, and says so. */
    @Test
    void aServedVersionTheGateCannotReadLeavesTheNewModelPublishedButNotPromoted() throws Exception {
        RegistryUri unreadable = RegistryUri.parse("s3://models/unreadable/sst2");
        String gone = "20200101T000000Z-gone";
        s3.putObject(PutObjectRequest.builder().bucket("models").key(unreadable.modelKey() + "/" + RegistryUri.POINTER).build(),
                RequestBody.fromString("{\"version\": \"" + gone + "\"}"));
        ModelRegistry registry = new ModelRegistry(s3, unreadable);

        Run run = train("--seed", "4", "--publish", unreadable.toString());

        assertEquals(TrainCommand.NOT_PROMOTED, run.exit(), run.output());
        List<VersionInfo> versions = registry.list();
        assertEquals(1, versions.size(), run.output());
        String published = versions.get(0).version();
        assertTrue(run.output().contains("published " + unreadable + "/" + published), run.output());
        assertTrue(run.output().contains("not promoted: the gate could not read " + gone + " to compare with"),
                run.output());
        assertEquals(gone, registry.current().orElseThrow().pointer().version(), "the pointer did not move");
        JsonNode promotion = new ObjectMapper().readTree(s3.getObjectAsBytes(GetObjectRequest.builder()
                .bucket("models").key(unreadable.modelKey() + "/" + published + "/manifest.json").build()).asByteArray())
                .get("promotion");
        assertEquals("not-promoted", promotion.get("decision").asText());
        assertEquals(gone, promotion.get("comparedWith").asText());
    }

    @Test
    void aMissingS3DataObjectIsNamed() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));

        int exit = commandLine.execute("train", "--data", "s3://data/sst/missing.tsv", "--eval-data",
                "s3://data/sst/sentiment-dev.tsv", "--publish", REGISTRY.toString(),
                "--s3-endpoint", server.endpoint().toString());

        assertEquals(1, exit);
        assertTrue(err.toString().contains("s3://data/sst/missing.tsv: no such object"), err.toString());
    }

    @Test
    void fineTunesACheckpointReadFromS3AndNamesItInTheLineage() throws Exception {
        Path checkpoint = Files.createTempDirectory("tiny-bert");
        TinyBertCheckpoint.write(checkpoint, List.of("a wonderful film", "a dull film", "not good at all"), 5);
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            s3.putObject(PutObjectRequest.builder().bucket("data").key("checkpoints/tiny-bert/" + file).build(),
                    RequestBody.fromFile(checkpoint.resolve(file)));
        }
        Path output = Files.createTempDirectory("fine-tuned").resolve("model");

        Run run = train("--pretrained", "s3://data/checkpoints/tiny-bert", "--output", output.toString(),
                "--publish", "s3://models/fine-tuned/sst2",
                "--learning-rate", "0.002", "--epochs", "1");

        assertEquals(0, run.exit(), run.output());
        JsonNode manifest = new ObjectMapper().readTree(output.resolve("manifest.json").toFile());
        assertEquals("bert-encoder-classifier", manifest.get("architecture").asText());
        assertEquals("s3://data/checkpoints/tiny-bert", manifest.at("/lineage/pretrained/name").asText());
        assertEquals(Sha256.of(checkpoint.resolve("model.safetensors")),
                manifest.at("/lineage/pretrained/sha256").asText());
    }

    /** The gate compares with the version served when it starts; a rollback made while it scores stands. */
    @Test
    void theGateDoesNotUndoARollbackMadeWhileItScored() throws Exception {
        ModelRegistry registry = new ModelRegistry(s3, RegistryUri.parse("s3://models/rolled-back/sst2"));
        Path work = Files.createTempDirectory("gate");
        String v1 = registry.publish(TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, work.resolve("v1"),
                "20260101T000000Z-aaaaaa"));
        String v2 = registry.publish(TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, work.resolve("v2"),
                "20260102T000000Z-bbbbbb"));
        registry.promote(v1);
        registry.promote(v2);
        Path candidate = TinyModels.copyAs(DefaultModelTest.DEFAULT_MODEL, work.resolve("v3"),
                "20260103T000000Z-cccccc");
        LabelledDataset evaluation =
                DatasetReader.read(Path.of(TrainPublishIT.class.getResource("/fixtures/sentiment-dev.tsv").toURI()));

        PromotionGate.Decision decision = new PromotionGate(registry, 0).decide(candidate, evaluation);
        registry.rollback(); // an operator, while the gate was scoring
        String v3 = registry.publish(candidate);

        assertTrue(decision.promotion().promoted(), decision.promotion().reason());
        assertEquals(v2, decision.promotion().comparedWith());
        PointerMovedException e = assertThrows(PointerMovedException.class,
                () -> registry.promote(v3, decision.comparedWith()));
        assertEquals(v2, e.expected());
        assertEquals(v1, e.found());
        assertEquals(v1, registry.current().orElseThrow().pointer().version(), "the rollback stands");
    }

    @Test
    void evaluatePredictAndPublishTakeModelsAndDataOnS3() throws Exception {
        ModelRegistry shared = new ModelRegistry(s3, RegistryUri.parse("s3://models/shared/sst2"));
        String version = shared.publish(DefaultModelTest.DEFAULT_MODEL);
        shared.promote(version);
        String endpoint = server.endpoint().toString();

        Run current = command("evaluate", "--model", "s3://models/shared/sst2", "--data",
                "s3://data/sst/sentiment-dev.tsv", "--s3-endpoint", endpoint);
        assertEquals(0, current.exit(), current.output());
        assertTrue(current.output().contains("model sst2 version " + version + " on s3://data/sst/sentiment-dev.tsv"),
                current.output());

        Run predicted = command("predict", "--model", "s3://models/shared/sst2/" + version, "--s3-endpoint", endpoint,
                "a gorgeous , witty , seductive movie .");
        assertEquals(0, predicted.exit(), predicted.output());
        assertTrue(predicted.output().startsWith("positive\t"), predicted.output());

        Run published = command("publish", "--registry", "s3://models/copied/sst2", "--s3-endpoint", endpoint,
                "s3://models/shared/sst2/" + version);
        assertEquals(0, published.exit(), published.output());
        assertEquals(List.of(version), new ModelRegistry(s3, RegistryUri.parse("s3://models/copied/sst2")).list()
                .stream().map(VersionInfo::version).toList());

        Run nothing = command("evaluate", "--model", "s3://models/nothing/sst2", "--data",
                "s3://data/sst/sentiment-dev.tsv", "--s3-endpoint", endpoint);
        assertEquals(1, nothing.exit(), nothing.output());
        assertTrue(nothing.output().contains("s3://models/nothing/sst2 is neither a registry with a current version"),
                nothing.output());
    }

    /**
     * The published report, fetched by {@code report --registry ... VERSION}, shows the gate's
     * decision with both models' scores: it was drawn again once the gate had decided.
     */
    private static void assertReportComparesBothModels(ModelRegistry registry, String version) throws Exception {
        Path work = Files.createTempDirectory("report");
        Path output = work.resolve("report.html");
        Run report = command("report", "--registry", REGISTRY.toString(), "--s3-endpoint",
                server.endpoint().toString(), "--output", output.toString(), version);
        assertEquals(0, report.exit(), report.output());
        assertEquals(output.toAbsolutePath().toString(), report.output().trim());

        ArtifactManifest manifest = ModelArtifact.verify(registry.download(version, work.resolve("cache")));
        Document document = ReportChecks.parse(Files.readString(output));
        ReportChecks.assertNumbersMatch(document, manifest);
        List<String> pointers = ReportChecks.pointers(document);
        for (String shown : List.of("/promotion/decision", "/promotion/accuracy", "/promotion/comparedWith",
                "/promotion/comparedAccuracy")) {
            assertTrue(pointers.contains(shown), shown + ": " + pointers);
        }
    }

    private record Run(int exit, String output) {}

    private static Run command(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return new Run(commandLine.execute(args), out.toString());
    }

    private static Run train(String... overrides) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String[] option : new String[][] {{"--name", "sst2"}, {"--data", "s3://data/sst/sentiment-train.tsv"},
                {"--eval-data", "s3://data/sst/sentiment-dev.tsv"}, {"--publish", REGISTRY.toString()},
                {"--s3-endpoint", server.endpoint().toString()},
                {"--max-length", "32"}, {"--vocabulary-size", "300"},
                {"--epochs", "4"}, {"--batch-size", "16"}, {"--learning-rate", "0.003"}, {"--dropout", "0.1"}}) {
            options.put(option[0], option[1]);
        }
        for (int i = 0; i < overrides.length; i += 2) {
            options.put(overrides[i], overrides[i + 1]);
        }
        if (!options.containsKey("--pretrained")) {
            options.putAll(Map.of("--layers", "1", "--width", "32", "--heads", "2", "--ffn-size", "64"));
        }
        List<String> args = new ArrayList<>(List.of("train", "--promote-if-better"));
        options.forEach((name, value) -> args.addAll(List.of(name, value)));
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return new Run(commandLine.execute(args.toArray(String[]::new)), out.toString());
    }

    private static JsonNode promotion(String version) throws Exception {
        byte[] manifest = s3.getObjectAsBytes(GetObjectRequest.builder().bucket("models")
                .key(REGISTRY.modelKey() + "/" + version + "/manifest.json").build()).asByteArray();
        JsonNode promotion = new ObjectMapper().readTree(manifest).get("promotion");
        assertNull(promotion.get("missing"));
        return promotion;
    }
}
