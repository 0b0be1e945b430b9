package dev.transformerlambda.training;

import dev.transformerlambda.model.ArtifactManifest.Source;
import dev.transformerlambda.model.ClassificationMetrics;
import java.util.List;

/**
 * What a teacher model says about the training texts, for distillation: its logits for every
 * training example and then for every text without a label, in that order.
 *
 * @param unlabelledTexts texts without labels: those made from the training texts, then those given
 *     without labels and those made from them
 * @param givenUnlabelled how many of {@code unlabelledTexts} were given rather than made
 * @param logits one row per training example, then one per unlabelled text: the teacher's logits
 * @param labelWeight how much the true label counts against the teacher's logits where a label is
 *     known: the loss is {@code w * cross-entropy + (1 - w) * MSE(logits)}; unlabelled texts learn
 *     from the logits alone
 * @param teacher the teacher, for the student's lineage
 * @param augmentation how the augmented texts were made, in words
 * @param cacheKey identifies teacher, data and augmentation together (a checkpoint of a run with
 *     other soft targets is refused)
 * @param teacherEvaluation the teacher's scores on the student's evaluation data; null if none
 * @param studentEmbeddings where the student's token embeddings start; null for random ones
 */
public record SoftTargets(List<String> unlabelledTexts, int givenUnlabelled, float[][] logits, float labelWeight,
        Source teacher, String augmentation, String cacheKey, ClassificationMetrics teacherEvaluation,
        StudentEmbeddings studentEmbeddings) {

    public SoftTargets {
        unlabelledTexts = List.copyOf(unlabelledTexts);
        if (givenUnlabelled < 0 || givenUnlabelled > unlabelledTexts.size()) {
            throw new IllegalArgumentException("given unlabelled texts must be in [0, " + unlabelledTexts.size()
                    + "], got " + givenUnlabelled);
        }
        if (labelWeight < 0 || labelWeight > 1) {
            throw new IllegalArgumentException("the label weight must be in [0, 1], got " + labelWeight);
        }
    }
}
