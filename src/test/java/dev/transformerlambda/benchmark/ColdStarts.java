package dev.transformerlambda.benchmark;

import dev.transformerlambda.serving.PackagedFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.FileUtils;

/**
 * Cold starts of the packaged function: a fresh process each time with an empty model cache, the
 * model in the local S3. Process start to the first poll is Lambda's init phase; the parts come
 * from the function's own log line for the model load.
 */
final class ColdStarts {

    private static final Pattern LOAD_LINE = Pattern.compile("download (\\d+) ms, waited for libtorch (\\d+) ms,"
            + " load (\\d+) ms, warm-up (\\d+) ms(?: \\(libtorch loaded in (\\d+) ms)?");

    /** One cold start, in milliseconds. */
    record Run(double init, double firstAnswer, double download, double libtorchWait, double load, double warmUp,
            double libtorch) {
        /** JVM, Runtime Interface Client and Quarkus: the init phase less the model's part. */
        double framework() {
            return init - download - libtorchWait - load - warmUp;
        }
    }

    /** Medians over the runs. */
    record Result(int runs, Run median) {}

    static Result measure(Path function, Map<String, String> settings, String event, int runs) throws Exception {
        List<Run> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Path cache = Files.createTempDirectory("cold-start-cache-");
            Path log = Files.createTempFile("cold-start-", ".log");
            Map<String, String> env = new HashMap<>(settings);
            env.put("CLASSIFIER_CACHE_DIR", cache.toString());
            try (PackagedFunction fn = PackagedFunction.start(function, env, log)) {
                double init = fn.awaitInit(Duration.ofMinutes(2)).toNanos() / 1e6;
                int status = Events.read(fn.invoke(event)).statusCode();
                double first = fn.sinceStart().toNanos() / 1e6;
                if (status != 200) {
                    throw new IllegalStateException("cold start " + run + " answered " + status + "; log:\n" + fn.log());
                }
                Matcher parts = LOAD_LINE.matcher(fn.log());
                if (!parts.find()) {
                    throw new IllegalStateException("no model load line in the function's log:\n" + fn.log());
                }
                Run r = new Run(init, first, ms(parts, 1), ms(parts, 2), ms(parts, 3), ms(parts, 4),
                        parts.group(5) == null ? Double.NaN : ms(parts, 5));
                results.add(r);
                System.err.printf("  cold start %d: init %.0f ms, first answer %.0f ms (framework %.0f, download %.0f,"
                        + " libtorch wait %.0f, load %.0f, warm-up %.0f; libtorch %.0f ms beside)%n", run, r.init(),
                        r.firstAnswer(), r.framework(), r.download(), r.libtorchWait(), r.load(), r.warmUp(),
                        r.libtorch());
            } finally {
                Files.deleteIfExists(log);
                FileUtils.deleteDirectory(cache.toFile());
            }
        }
        return new Result(runs, new Run(median(results, Run::init), median(results, Run::firstAnswer),
                median(results, Run::download), median(results, Run::libtorchWait), median(results, Run::load),
                median(results, Run::warmUp), median(results, Run::libtorch)));
    }

    private static double ms(Matcher matcher, int group) {
        return Double.parseDouble(matcher.group(group));
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> part) {
        double[] values = runs.stream().mapToDouble(part).sorted().toArray();
        return values[values.length / 2];
    }
}
