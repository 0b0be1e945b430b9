package dev.transformerlambda.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.transformerlambda.aws.LocalS3Server;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelConfig;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.serving.PackagedFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole performance suite in one run, printed as one Markdown table: cold start and warm
 * serving of the packaged function as Lambda runs it (model in a local S3), the same inputs
 * through the bare DJL forward pass, the PyTorch peer, training throughput, and resident memory.
 * {@code scripts/benchmark} builds and assembles the function, then runs this.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measures the packaged function, DJL and the PyTorch peer side by side.")
public final class PerformanceSuite implements Callable<Integer> {

    private static final List<Integer> BATCH_SIZES = List.of(1, 8, 32, 64);
    private static final int TRAIN_BATCH = 32;

    @Option(names = "--function", defaultValue = "target/function-image", description = "scripts/assemble-function's output.")
    Path function;

    @Option(names = "--model", defaultValue = "src/main/models/sst2", description = "The model artifact served.")
    Path model;

    @Option(names = "--event", defaultValue = "events/predict-one.json", description = "Template of the API Gateway event.")
    Path eventTemplate;

    @Option(names = "--cold-starts", defaultValue = "5", description = "Cold starts to take the median of.")
    int coldStarts;

    @Option(names = "--requests", defaultValue = "1000", description = "Requests per latency figure.")
    int requests;

    @Option(names = "--batch-texts", defaultValue = "4096", description = "Texts per throughput figure.")
    int batchTexts;

    @Option(names = "--leak-predictions", defaultValue = "100000", description = "Predictions of the memory check.")
    int leakPredictions;

    @Option(names = "--swaps", defaultValue = "100", description = "Model swaps of the memory check.")
    int swaps;

    @Option(names = "--threads", defaultValue = "1",
            description = "libtorch intra-op threads of the function and the bare DJL runs (the function's default).")
    int threads;

    @Option(names = "--peer-threads", defaultValue = "2", description = "PyTorch threads of the peer.")
    int peerThreads;

    @Option(names = "--train-data", defaultValue = "../shared/data/sst2/train.tsv", description = "Training data for the training figures.")
    Path trainData;

    @Option(names = "--eval-data", defaultValue = "../shared/data/sst2/dev.tsv", description = "Its evaluation data.")
    Path evalData;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "A Python with torch (Debian's python3-torch).")
    String python;

    @Option(names = "--compare-model", description = "Another model artifact whose bare forward pass is measured"
            + " in the same run, on the same texts (for example the default model a new one replaces).")
    Path compareModel;

    @Option(names = "--bare-only", description = "Only the bare DJL figures (and --compare-model's): no packaged"
            + " function, cold starts or memory, no peer and no training.")
    boolean bareOnly;

    @Option(names = "--no-peer", description = "Skip the PyTorch peer and the training figures, which use it"
            + " (for a model whose shape the peer does not build, such as a fine-tuned BERT-layout encoder).")
    boolean noPeer;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PerformanceSuite()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ArtifactManifest manifest = ModelArtifact.verify(model);
        ModelConfig shape = manifest.hyperparameters();
        Events events = new Events(eventTemplate);
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("short (5 words)", Texts.sentence(5, 1));
        texts.put("typical (20 words)", Texts.sentence(20, 2));
        texts.put("long (max length)", Texts.sentence(shape.maxLength() + 16, 3));
        List<String> typical = Texts.sentences(BATCH_SIZES.get(BATCH_SIZES.size() - 1), 20);
        Table table = new Table();

        String typicalText = texts.get("typical (20 words)");
        // The model cache, the functions' logs and the second version's copy; deleted at the end,
        // kept when a figure fails.
        Path work = Files.createTempDirectory("benchmark-");
        try (LocalS3Server s3 = bareOnly ? null : LocalS3Server.start("models");
                S3Client client = bareOnly ? null : s3.client()) {
            if (!bareOnly) {
                servedFigures(manifest, s3, client, events, texts, typical, typicalText, work, table);
            }
        } catch (Exception e) {
            System.err.println("the functions' logs are kept in " + work);
            throw e;
        }
        FileUtils.deleteDirectory(work.toFile());

        System.err.println("bare DJL forward pass in this JVM");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        List<Integer> latencyTokens = new ArrayList<>();
        int typicalTokens;
        try (ForwardBenchmark djl = new ForwardBenchmark(model)) {
            Map<String, Timings> bare = new LinkedHashMap<>();
            Map<String, Timings> predictor = new LinkedHashMap<>();
            warmUp(djl, texts.values());
            for (var text : texts.entrySet()) {
                latencyTokens.add(djl.tokens(text.getValue()));
                bare.put(text.getKey(), djl.forward(List.of(text.getValue()), 200, requests));
                predictor.put(text.getKey(), djl.predictor(List.of(text.getValue()), 200, requests));
            }
            table.bareLatency(bare, predictor, latencyTokens);
            if (compareModel != null) {
                try (ForwardBenchmark other = new ForwardBenchmark(compareModel)) {
                    warmUp(other, texts.values());
                    Map<String, Timings> theirs = new LinkedHashMap<>();
                    for (var text : texts.entrySet()) {
                        theirs.put(text.getKey(), other.forward(List.of(text.getValue()), 200, requests));
                    }
                    table.comparedBareLatency(compareModel.toString(), theirs, bare);
                }
            }
            Map<Integer, Double> bareThroughput = new LinkedHashMap<>();
            for (int size : BATCH_SIZES) {
                bareThroughput.put(size, djl.forward(typical.subList(0, size), 20, Math.max(20, batchTexts / size)).perSecond(size));
            }
            table.bareThroughput(bareThroughput);
            typicalTokens = typical.stream().mapToInt(djl::tokens).max().orElseThrow();
        }

        if (noPeer || bareOnly) {
            System.out.printf("Measured %s on %s; JVM: %s; function and DJL: %d libtorch thread(s); model %s (%s,"
                    + " %d layers x %d); no peer.%n%n", LocalDate.now(), Table.machine(),
                    System.getProperty("java.vm.version"), threads, manifest.version(), manifest.architecture(),
                    shape.layers(), shape.width());
            System.out.print(table.render());
            return 0;
        }
        System.err.println("training: train, one epoch");
        Path launcher = Path.of("scripts/transformer-lambda");
        double trainRate = TrainingRun.sentencesPerSecond(launcher, trainData, evalData, TRAIN_BATCH);
        List<Integer> trainLengths = TrainingRun.batchLengths(trainData, model.resolve(manifest.tokenizer()),
                shape.maxLength(), TRAIN_BATCH);

        System.err.println("the PyTorch peer");
        PyTorchPeer.Figures peer = PyTorchPeer.run(python, Path.of("scripts/pytorch-peer.py"), shape, peerThreads,
                latencyTokens, requests, BATCH_SIZES, typicalTokens, batchTexts, TRAIN_BATCH, trainLengths);
        table.peer(peer, BATCH_SIZES);
        table.training(trainRate, peer.trainingPerSecond(), trainData, trainLengths);

        System.out.printf("Measured %s on %s; JVM: %s; function and DJL: %d libtorch thread(s), `train`: DJL's"
                + " default; peer: %s.%n%n", LocalDate.now(), Table.machine(), System.getProperty("java.vm.version"),
                threads, peer.description());
        System.out.print(table.render());
        return 0;
    }

    /**
     * Runs every text's forward pass a while before any is timed. With only the per-figure warm-up,
     * the first figures of the JVM came out slower: two models of the same shape compared 1.3x apart
     * on short texts, in favour of whichever was measured second.
     */
    private static void warmUp(ForwardBenchmark model, Iterable<String> texts) throws Exception {
        for (String text : texts) {
            model.forward(List.of(text), 2000, 1);
        }
    }

    /** The packaged function as Lambda runs it: cold starts, warm latency and throughput, memory. */
    private void servedFigures(ArtifactManifest manifest, LocalS3Server s3, S3Client client, Events events,
            Map<String, String> texts, List<String> typical, String typicalText, Path work, Table table)
            throws Exception {
        ModelRegistry registry = new ModelRegistry(client, RegistryUri.parse("s3://models/benchmark/" + manifest.name()));
        String first = registry.publish(model);
        String second = registry.publish(copyAsNewVersion(model, manifest.version() + "-b", work.resolve("second")));
        registry.promote(first);
        Map<String, String> settings = new HashMap<>(Map.of(
                "CLASSIFIER_MODEL_URI", registry.uri().toString(),
                "CLASSIFIER_S3_ENDPOINT_OVERRIDE", s3.endpoint().toString(),
                "CLASSIFIER_S3_PATH_STYLE", "true",
                "CLASSIFIER_THREADS_INTRA_OP", Integer.toString(threads)));

        System.err.printf("cold starts (%d)%n", coldStarts);
        ColdStarts.Result cold = ColdStarts.measure(function, settings, events.predict(List.of(typicalText)), coldStarts);
        table.coldStart(cold);

        System.err.println("warm handler: latency, throughput, memory");
        settings.put("CLASSIFIER_CACHE_DIR", work.resolve("cache").toString());
        try (PackagedFunction warm = PackagedFunction.start(function, settings, work.resolve("warm.log"))) {
            warm.awaitInit(Duration.ofMinutes(2));
            HandlerBenchmark handler = new HandlerBenchmark(warm, events);
            table.handlerLatency(handler.latency(texts, requests));
            table.handlerThroughput(handler.throughput(BATCH_SIZES, typical, batchTexts));
            table.peakResident(handler.peakResidentMiB());
            System.err.printf("memory over %d predictions%n", leakPredictions);
            table.residentOverPredictions(leakPredictions, handler.residentOver(leakPredictions, typical));
        }
        System.err.printf("memory over %d model swaps%n", swaps);
        settings.put("CLASSIFIER_RELOAD_INTERVAL", "0s");
        try (PackagedFunction swapping = PackagedFunction.start(function, settings, work.resolve("swaps.log"))) {
            swapping.awaitInit(Duration.ofMinutes(2));
            HandlerBenchmark handler = new HandlerBenchmark(swapping, events);
            table.residentOverSwaps(swaps, handler.residentOverSwaps(registry, List.of(first, second), swaps,
                    typicalText));
        }
    }

    /** A copy of {@code artifact} published as another version: the same files, another name. */
    private static Path copyAsNewVersion(Path artifact, String version, Path copy) throws Exception {
        Files.createDirectories(copy);
        try (var files = Files.list(artifact)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(copy.resolve(ModelArtifact.MANIFEST).toFile());
        manifest.put("version", version);
        json.writerWithDefaultPrettyPrinter().writeValue(copy.resolve(ModelArtifact.MANIFEST).toFile(), manifest);
        return copy;
    }
}
