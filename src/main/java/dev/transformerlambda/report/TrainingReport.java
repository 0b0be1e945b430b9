package dev.transformerlambda.report;

import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Distillation;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import dev.transformerlambda.model.ArtifactManifest.LearningRate;
import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.ArtifactManifest.Promotion;
import dev.transformerlambda.model.ArtifactManifest.Source;
import dev.transformerlambda.model.ArtifactManifest.TrainingSummary;
import dev.transformerlambda.model.ClassificationMetrics;
import dev.transformerlambda.model.ClassificationMetrics.ClassScores;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelConfig;
import dev.transformerlambda.report.Charts.Marker;
import dev.transformerlambda.report.Charts.Point;
import dev.transformerlambda.report.Charts.Series;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: a model's training report, drawn from its manifest alone, so it can be
 * written for any version, old ones included. Curves per epoch, the learning-rate schedule, the
 * confusion matrix as a heat map, the per-class table, the data and lineage, and the promotion
 * gate's comparison when it ran. One file with inline CSS and SVG, no scripts: it opens offline.
 *
 * <p>Every number taken from the manifest is marked with its JSON pointer there ({@code
 * data-manifest}), so a test can check that the report says what the manifest says.
 */
public final class TrainingReport {

    private static final String STYLE = """
            body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif;\
            color:#1a202c;margin:0 auto;max-width:1040px;padding:24px;line-height:1.4;background:#ffffff}
            h1{font-size:1.6em;margin:0 0 4px}h1 .version{font-weight:400;color:#4a5568;font-size:.7em}
            h2{font-size:1.2em;margin:32px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
            .sub{color:#4a5568;margin:0 0 16px}
            .cards{display:flex;flex-wrap:wrap;gap:12px}
            .card{border:1px solid #e2e8f0;border-radius:6px;padding:8px 14px;min-width:140px}
            .card .value{font-size:1.5em;font-weight:600;color:#2b6cb0}.card .name{color:#4a5568;font-size:.85em}
            .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
            table{border-collapse:collapse;font-size:.9em}
            th,td{border-bottom:1px solid #e2e8f0;padding:4px 10px;text-align:left;vertical-align:top}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            tr.kept td{background:#f0fff4}
            .hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
            .note{color:#4a5568;font-size:.9em}
            .decision{font-weight:600}
            svg text{font-family:inherit;font-size:11px;fill:#2d3748}
            svg .axis-label{font-size:12px;fill:#4a5568}svg .marker{font-size:10px;fill:#276749}
            svg .count{font-size:13px;font-weight:600}svg .share{font-size:10px}svg text.on-dark{fill:#ffffff}
            footer{margin-top:40px;color:#718096;font-size:.85em}
            """;

    private TrainingReport() {}

    /**
     * Writes {@code report.html} for {@code manifest} into {@code dir}: whole or not at all, since
     * it replaces the one a promotion decision makes stale.
     *
     * @return the report's path
     */
    public static Path write(Path dir, ArtifactManifest manifest) throws IOException {
        Path report = dir.resolve(ModelArtifact.REPORT);
        Path partial = dir.resolve("." + ModelArtifact.REPORT + ".partial");
        Files.writeString(partial, render(manifest), StandardCharsets.UTF_8);
        Files.move(partial, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return report;
    }

    /** The report of {@code manifest}, as HTML. */
    public static String render(ArtifactManifest manifest) {
        Markup html = new Markup();
        html.raw("<!DOCTYPE html>\n");
        html.open("html", "lang", "en");
        html.open("head");
        html.empty("meta", "charset", "utf-8");
        html.empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
        html.element("title", manifest.name() + " " + manifest.version() + ": training report");
        // Raw text, not escaped: HTML does not decode entities inside <style>, so an escaped quote
        // would reach the CSS as &quot; and void the font-family list. STYLE holds no < or &.
        html.open("style").raw(STYLE).close();
        html.close();
        html.open("body");
        header(html, manifest);
        training(html, manifest);
        evaluation(html, manifest);
        if (manifest.promotion() != null) {
            promotion(html, manifest);
        }
        data(html, manifest);
        if (manifest.lineage() != null) {
            lineage(html, manifest);
        }
        model(html, manifest);
        html.open("footer");
        html.text("Drawn by transformer-lambda from this version's manifest.json, which lists this file with its"
                + " sha256; the model loads without it. Where the two ever differ, the manifest is right.");
        html.close();
        html.close().close();
        return html.toString();
    }

    private static void header(Markup html, ArtifactManifest manifest) {
        html.open("h1").text(manifest.name() + " ").element("span", manifest.version(), "class", "version",
                "data-manifest", "/version").close();
        TrainingSummary training = manifest.training();
        ModelConfig config = manifest.hyperparameters();
        StringBuilder sub = new StringBuilder(manifest.architecture());
        if (config != null) {
            sub.append(", ").append(config.layers()).append(" layers x ").append(config.width());
        }
        sub.append("; labels ").append(String.join(", ", manifest.labels()));
        sub.append("; written ").append(manifest.created());
        if (training != null) {
            sub.append("; trained on ").append(training.device()).append(" in ").append(Numbers.duration(training.seconds()));
        }
        html.element("p", sub, "class", "sub");

        html.open("div", "class", "cards");
        ClassificationMetrics metrics = manifest.metrics();
        boolean evaluated = training != null && training.evaluationData() != null;
        if (metrics != null) {
            card(html, evaluated ? "accuracy on the evaluation data" : "accuracy (validation data; no evaluation data)",
                    Numbers.ratio(metrics.accuracy()), "/metrics/accuracy");
            card(html, "macro-F1", Numbers.ratio(metrics.macroF1()), "/metrics/macroF1");
        }
        if (manifest.validationMetrics() != null) {
            card(html, "validation accuracy of the kept epoch", Numbers.ratio(manifest.validationMetrics().accuracy()),
                    "/validationMetrics/accuracy");
        }
        if (training != null) {
            card(html, "kept epoch", String.valueOf(training.bestEpoch()), "/training/bestEpoch");
            card(html, "epochs run", String.valueOf(training.epochs()), "/training/epochs");
        }
        if (manifest.promotion() != null) {
            card(html, "promotion", manifest.promotion().decision(), "/promotion/decision");
        }
        html.close();
    }

    private static void card(Markup html, String name, String value, String pointer) {
        html.open("div", "class", "card");
        html.element("div", value, "class", "value", "data-manifest", pointer);
        html.element("div", name, "class", "name");
        html.close();
    }

    private static void training(Markup html, ArtifactManifest manifest) {
        html.element("h2", "Training");
        TrainingSummary training = manifest.training();
        List<Epoch> history = training == null || training.history() == null ? List.of() : training.history();
        if (history.isEmpty()) {
            html.element("p", "This version's manifest records no per-epoch history (it was written before"
                    + " transformer-lambda recorded one), so there are no curves to draw.", "class", "note");
            return;
        }
        List<Double> epochs = history.stream().map(e -> (double) e.epoch()).toList();
        List<Double> ticks = epochs.size() <= 20 ? epochs : List.of();
        List<Marker> kept = List.of(new Marker(training.bestEpoch(), "kept", false));

        List<Point> loss = new ArrayList<>();
        List<Point> accuracy = new ArrayList<>();
        List<Point> macroF1 = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            Epoch epoch = history.get(i);
            String at = "/training/history/" + i + "/";
            loss.add(new Point(epoch.epoch(), epoch.trainLoss(), at + "trainLoss",
                    "epoch " + epoch.epoch() + ": training loss " + Numbers.ratio(epoch.trainLoss())));
            accuracy.add(new Point(epoch.epoch(), epoch.accuracy(), at + "accuracy",
                    "epoch " + epoch.epoch() + ": validation accuracy " + Numbers.ratio(epoch.accuracy())));
            macroF1.add(new Point(epoch.epoch(), epoch.macroF1(), at + "macroF1",
                    "epoch " + epoch.epoch() + ": validation macro-F1 " + Numbers.ratio(epoch.macroF1())));
        }
        html.open("div", "class", "row");
        html.raw(Charts.lineChart("training loss per epoch (mean over its steps)", "epoch", "loss",
                List.of(new Series("training loss", Charts.ACCENT, loss)), kept, ticks, true));
        html.raw(Charts.lineChart("validation scores per epoch", "epoch", "score",
                List.of(new Series("accuracy", Charts.ACCENT, accuracy), new Series("macro-F1", Charts.SECOND, macroF1)),
                kept, ticks, false));
        html.close();
        html.element("p", "The kept epoch (green line) has the best validation accuracy: " + training.validationData()
                + ". The evaluation data, if any, was scored once, after training, and chose nothing.", "class", "note");

        html.element("h3", "Learning-rate schedule");
        List<Point> rates = new ArrayList<>();
        List<Marker> epochEnds = new ArrayList<>();
        for (Epoch epoch : history) {
            if (epoch.learningRates() != null) {
                for (LearningRate rate : epoch.learningRates()) {
                    rates.add(new Point(rate.step(), rate.rate(), null, "step " + rate.step() + ": " + Numbers.rate(rate.rate())));
                }
            }
            if (epoch.steps() > 0) {
                epochEnds.add(new Marker(epoch.steps(), history.size() <= 12 ? "e" + epoch.epoch() : "", true));
            }
        }
        html.raw(Charts.lineChart("the encoder's learning rate per optimiser step", "optimiser step", "learning rate",
                List.of(new Series("learning rate", Charts.ACCENT, rates)), epochEnds, List.of(), true));
        html.open("p", "class", "note");
        html.text("Peak ").element("span", Numbers.rate(training.learningRate()), "data-manifest", "/training/learningRate")
                .text(" for the encoder and ").element("span", Numbers.rate(training.headLearningRate()),
                        "data-manifest", "/training/headLearningRate")
                .text(" for the classification head (the same schedule, scaled); linear warm-up over ")
                .element("span", Numbers.ratio(training.warmupFraction()), "data-manifest", "/training/warmupFraction")
                .text(" of the steps, then linear decay. Dashed lines mark the end of each epoch.");
        html.close();

        html.element("h3", "Epochs");
        html.open("table");
        html.open("tr");
        for (String heading : List.of("epoch", "training loss", "validation accuracy", "validation macro-F1",
                "learning rate at its end", "sentences/s")) {
            html.element("th", heading, "class", heading.equals("epoch") ? null : "n");
        }
        html.close();
        for (int i = 0; i < history.size(); i++) {
            Epoch epoch = history.get(i);
            String at = "/training/history/" + i + "/";
            html.open("tr", "class", epoch.epoch() == training.bestEpoch() ? "kept" : null);
            html.element("td", epoch.epoch() + (epoch.epoch() == training.bestEpoch() ? " (kept)" : ""));
            numberCell(html, Numbers.ratio(epoch.trainLoss()), at + "trainLoss");
            numberCell(html, Numbers.ratio(epoch.accuracy()), at + "accuracy");
            numberCell(html, Numbers.ratio(epoch.macroF1()), at + "macroF1");
            int last = epoch.learningRates() == null ? -1 : epoch.learningRates().size() - 1;
            numberCell(html, Numbers.rate(epoch.learningRate()), last < 0 ? null : at + "learningRates/" + last + "/rate");
            numberCell(html, Numbers.whole(epoch.sentencesPerSecond()),
                    epoch.sentencesPerSecond() > 0 ? at + "sentencesPerSecond" : null);
            html.close();
        }
        html.close();
    }

    private static void evaluation(Markup html, ArtifactManifest manifest) {
        ClassificationMetrics metrics = manifest.metrics();
        if (metrics == null) {
            return;
        }
        TrainingSummary training = manifest.training();
        html.element("h2", "Evaluation");
        String source = training == null ? "the evaluation data"
                : training.evaluationData() != null ? training.evaluationData()
                : training.validationData() + " (the validation data: no evaluation data was given)";
        html.open("p", "class", "note").text("Scored on ").text(source).text(", ")
                .element("span", metrics.examples(), "data-manifest", "/metrics/examples").text(" examples.").close();
        html.open("div", "class", "row");
        html.open("div");
        html.element("h3", "Confusion matrix");
        if (metrics.confusionMatrix() != null && metrics.labels() != null) {
            html.raw(Charts.heatMap(metrics.labels(), metrics.confusionMatrix(), "/metrics/confusionMatrix"));
            html.element("p", "Rows: the true label; columns: the predicted one. Shade: the share of the row.",
                    "class", "note");
        }
        html.close();
        html.open("div");
        html.element("h3", "Per class");
        perClassTable(html, metrics, "/metrics");
        html.close();
        html.close();
    }

    private static void perClassTable(Markup html, ClassificationMetrics metrics, String pointer) {
        html.open("table");
        html.open("tr");
        html.element("th", "label");
        for (String heading : List.of("precision", "recall", "F1", "support")) {
            html.element("th", heading, "class", "n");
        }
        html.close();
        for (Map.Entry<String, ClassScores> entry : metrics.perClass().entrySet()) {
            String at = pointer + "/perClass/" + escapePointer(entry.getKey()) + "/";
            ClassScores scores = entry.getValue();
            html.open("tr");
            html.element("td", entry.getKey());
            numberCell(html, Numbers.ratio(scores.precision()), at + "precision");
            numberCell(html, Numbers.ratio(scores.recall()), at + "recall");
            numberCell(html, Numbers.ratio(scores.f1()), at + "f1");
            numberCell(html, String.valueOf(scores.support()), at + "support");
            html.close();
        }
        html.open("tr");
        html.element("td", "accuracy / macro-F1");
        numberCell(html, Numbers.ratio(metrics.accuracy()), pointer + "/accuracy");
        html.element("td", "");
        numberCell(html, Numbers.ratio(metrics.macroF1()), pointer + "/macroF1");
        numberCell(html, String.valueOf(metrics.examples()), pointer + "/examples");
        html.close();
        html.close();
    }

    private static void promotion(Markup html, ArtifactManifest manifest) {
        Promotion promotion = manifest.promotion();
        html.element("h2", "Promotion gate");
        html.open("p").element("span", promotion.decision(), "class", "decision", "data-manifest", "/promotion/decision")
                .text(": ").element("span", promotion.reason(), "data-manifest", "/promotion/reason").close();
        html.open("table");
        html.open("tr").element("th", "model").element("th", "accuracy on " + promotion.evaluationData(), "class", "n")
                .element("th", "").close();
        html.open("tr").element("td", "this version, " + manifest.version());
        numberCell(html, Numbers.ratio(promotion.accuracy()), "/promotion/accuracy");
        html.open("td").raw(Charts.bar(promotion.accuracy(), Charts.ACCENT)).close();
        html.close();
        if (promotion.comparedWith() != null) {
            html.open("tr").open("td").text("served then, ")
                    .element("span", promotion.comparedWith(), "data-manifest", "/promotion/comparedWith").close();
            if (promotion.comparedAccuracy() != null) {
                numberCell(html, Numbers.ratio(promotion.comparedAccuracy()), "/promotion/comparedAccuracy");
                html.open("td").raw(Charts.bar(promotion.comparedAccuracy(), Charts.SECOND)).close();
            } else {
                html.element("td", "not compared", "class", "n").element("td", "");
            }
            html.close();
        }
        html.close();
        html.open("p", "class", "note").text("Promoted unless worse than the served version by more than ")
                .element("span", Numbers.ratio(promotion.margin()), "data-manifest", "/promotion/margin")
                .text("; both were scored on the same data, which neither was chosen on.").close();
    }

    private static void data(Markup html, ArtifactManifest manifest) {
        TrainingSummary training = manifest.training();
        if (training == null) {
            return;
        }
        html.element("h2", "Data");
        html.open("table");
        html.open("tr").element("th", "").element("th", "source").element("th", "examples", "class", "n")
                .element("th", "sha256").close();
        dataRow(html, "training", training.data(), "/training/data", training.trainExamples(), "/training/trainExamples",
                training.dataSha256(), "/training/dataSha256");
        dataRow(html, "validation (chose the epoch)", training.validationData(), "/training/validationData",
                training.validationExamples(), "/training/validationExamples", training.validationDataSha256(),
                "/training/validationDataSha256");
        if (training.evaluationData() != null) {
            dataRow(html, "evaluation (scored once)", training.evaluationData(), "/training/evaluationData",
                    training.evaluationExamples(), "/training/evaluationExamples", training.evaluationDataSha256(),
                    "/training/evaluationDataSha256");
        }
        html.close();
        files(html, training);

        html.element("h3", "Options");
        html.open("table");
        option(html, "batch size", String.valueOf(training.batchSize()), "/training/batchSize");
        option(html, "peak learning rate (encoder)", Numbers.rate(training.learningRate()), "/training/learningRate");
        option(html, "peak learning rate (head)", Numbers.rate(training.headLearningRate()), "/training/headLearningRate");
        option(html, "warm-up share of the steps", Numbers.ratio(training.warmupFraction()), "/training/warmupFraction");
        option(html, "weight decay", Numbers.rate(training.weightDecay()), "/training/weightDecay");
        option(html, "gradient clipping (global norm; 0: none)", Numbers.rate(training.maxGradNorm()),
                "/training/maxGradNorm");
        option(html, "token dropout", Numbers.ratio(training.tokenDropout()), "/training/tokenDropout");
        option(html, "patience (epochs)", String.valueOf(training.patience()), "/training/patience");
        option(html, "seed", String.valueOf(training.seed()), "/training/seed");
        option(html, "device", training.device(), "/training/device");
        html.close();
    }

    /** Each training file as read, and the rows of them left out of training with the reason. */
    private static void files(Markup html, TrainingSummary training) {
        if (training.dataFiles() == null || training.dataFiles().isEmpty()) {
            return;
        }
        html.element("h3", "Training files");
        html.open("table");
        html.open("tr").element("th", "").element("th", "source").element("th", "rows", "class", "n")
                .element("th", "sha256").close();
        for (int i = 0; i < training.dataFiles().size(); i++) {
            ArtifactManifest.DataFile file = training.dataFiles().get(i);
            String at = "/training/dataFiles/" + i;
            dataRow(html, "file " + (i + 1), file.location(), at + "/location", file.rows(), at + "/rows",
                    file.sha256(), at + "/sha256");
        }
        html.close();
        if (training.leftOut() != null && !training.leftOut().isEmpty()) {
            html.open("table");
            html.open("tr").element("th", "rows left out of training").element("th", "rows", "class", "n").close();
            for (int i = 0; i < training.leftOut().size(); i++) {
                String at = "/training/leftOut/" + i;
                html.open("tr").element("td", training.leftOut().get(i).reason(), "data-manifest", at + "/reason");
                numberCell(html, String.valueOf(training.leftOut().get(i).rows()), at + "/rows");
                html.close();
            }
            html.close();
        }
    }

    private static void dataRow(Markup html, String role, String source, String sourcePointer, int examples,
            String examplesPointer, String sha256, String shaPointer) {
        html.open("tr");
        html.element("td", role);
        html.element("td", String.valueOf(source), "data-manifest", source == null ? null : sourcePointer);
        numberCell(html, String.valueOf(examples), examplesPointer);
        html.element("td", String.valueOf(sha256), "class", "hash", "data-manifest", sha256 == null ? null : shaPointer);
        html.close();
    }

    private static void option(Markup html, String name, String value, String pointer) {
        html.open("tr").element("td", name).element("td", value, "class", "n", "data-manifest", pointer).close();
    }

    private static void lineage(Markup html, ArtifactManifest manifest) {
        Lineage lineage = manifest.lineage();
        html.element("h2", "Lineage");
        html.open("table");
        html.open("tr").element("th", "").element("th", "name").element("th", "origin").element("th", "sha256").close();
        if (lineage.pretrained() != null) {
            sourceRow(html, "fine-tuned from", lineage.pretrained(), "/lineage/pretrained", "its weights");
        }
        if (lineage.teacher() != null) {
            sourceRow(html, "distilled from (teacher)", lineage.teacher(), "/lineage/teacher", "its manifest");
        }
        if (lineage.respelledFrom() != null) {
            sourceRow(html, "respelled from (the same weights; the tokenizer reads typed text in the treebank's spelling)",
                    lineage.respelledFrom(), "/lineage/respelledFrom", "its manifest");
        }
        html.close();
        Distillation distillation = lineage.distillation();
        if (distillation == null) {
            return;
        }
        html.element("h3", "Distillation");
        html.open("table");
        option(html, "augmentation", distillation.augmentation(), "/lineage/distillation/augmentation");
        option(html, "augmented texts, besides the training texts", String.valueOf(distillation.augmentedTexts()),
                "/lineage/distillation/augmentedTexts");
        option(html, "texts given without labels, labelled by the teacher",
                String.valueOf(distillation.unlabelledTexts()), "/lineage/distillation/unlabelledTexts");
        option(html, "the true label's share of the loss", Numbers.ratio(distillation.labelWeight()),
                "/lineage/distillation/labelWeight");
        if (distillation.loss() != null) {
            option(html, "the teacher's logits learned by", distillation.loss(), "/lineage/distillation/loss");
        }
        html.open("tr").element("td", "the student's embeddings started").element("td",
                distillation.studentEmbeddings() == null ? "random" : distillation.studentEmbeddings(), "class", "n",
                "data-manifest", distillation.studentEmbeddings() == null ? null : "/lineage/distillation/studentEmbeddings")
                .close();
        html.close();
        ClassificationMetrics teacher = distillation.teacherMetrics();
        ClassificationMetrics student = manifest.metrics();
        if (teacher == null || student == null) {
            return;
        }
        html.element("h3", "Teacher and student on the same evaluation data");
        html.open("table");
        html.open("tr").element("th", "").element("th", "teacher", "class", "n").element("th", "")
                .element("th", "student (this version)", "class", "n").element("th", "").close();
        String teacherAt = "/lineage/distillation/teacherMetrics";
        scoresRow(html, "accuracy", teacher.accuracy(), teacherAt + "/accuracy", student.accuracy(), "/metrics/accuracy");
        scoresRow(html, "macro-F1", teacher.macroF1(), teacherAt + "/macroF1", student.macroF1(), "/metrics/macroF1");
        for (String label : student.perClass().keySet()) {
            ClassScores teacherScores = teacher.perClass() == null ? null : teacher.perClass().get(label);
            if (teacherScores != null) {
                String at = "/perClass/" + escapePointer(label) + "/f1";
                scoresRow(html, "F1 of " + label, teacherScores.f1(), teacherAt + at, student.perClass().get(label).f1(),
                        "/metrics" + at);
            }
        }
        html.close();
        if (student.accuracy() > 0 && teacher.accuracy() > 0) {
            html.element("p", "The student keeps " + Numbers.whole(100 * student.accuracy() / teacher.accuracy())
                    + "% of the teacher's accuracy.", "class", "note");
        }
    }

    private static void sourceRow(Markup html, String role, Source source, String pointer, String hashed) {
        html.open("tr");
        html.element("td", role);
        html.element("td", String.valueOf(source.name()), "data-manifest", source.name() == null ? null : pointer + "/name");
        html.element("td", String.valueOf(source.origin()), "data-manifest",
                source.origin() == null ? null : pointer + "/origin");
        html.open("td", "class", "hash").element("span", String.valueOf(source.sha256()), "data-manifest",
                source.sha256() == null ? null : pointer + "/sha256").text(" (" + hashed + ")").close();
        html.close();
    }

    private static void scoresRow(Markup html, String name, double teacher, String teacherPointer, double student,
            String studentPointer) {
        html.open("tr").element("td", name);
        numberCell(html, Numbers.ratio(teacher), teacherPointer);
        html.open("td").raw(Charts.bar(teacher, Charts.SECOND)).close();
        numberCell(html, Numbers.ratio(student), studentPointer);
        html.open("td").raw(Charts.bar(student, Charts.ACCENT)).close();
        html.close();
    }

    private static void model(Markup html, ArtifactManifest manifest) {
        html.element("h2", "Model");
        html.open("table");
        option(html, "architecture", manifest.architecture(), "/architecture");
        option(html, "labels, in index order", String.join(", ", manifest.labels()), null);
        option(html, "longest token sequence", String.valueOf(manifest.maxSequenceLength()), "/maxSequenceLength");
        ModelConfig config = manifest.hyperparameters();
        if (config != null) {
            // Every hyperparameter the manifest names, whatever the family adds later.
            for (RecordComponent component : ModelConfig.class.getRecordComponents()) {
                Object value;
                try {
                    value = component.getAccessor().invoke(config);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                option(html, component.getName(), String.valueOf(value), "/hyperparameters/" + component.getName());
            }
        }
        if (manifest.engine() != null) {
            manifest.engine().forEach((name, version) -> option(html, name, version, "/engine/" + escapePointer(name)));
        }
        html.close();
    }

    private static void numberCell(Markup html, String text, String pointer) {
        // A diverged loss is "n/a" here and "NaN" there: nothing to point at.
        html.element("td", text, "class", "n", "data-manifest", text.equals("n/a") ? null : pointer);
    }

    /** A JSON pointer's reference token (RFC 6901): a label may hold '/' or '~'. */
    static String escapePointer(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
