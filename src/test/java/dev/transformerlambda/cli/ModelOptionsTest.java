package dev.transformerlambda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.training.TrainingOptions;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The model options' help states its defaults in words ("(default: 2; [0.1])": from scratch, then
 * fine-tuning in brackets), as a run's defaults depend on its kind; the values themselves live in
 * {@link TrainingOptions}. This keeps the two from drifting apart.
 */
class ModelOptionsTest {

    /** Where an option's name is not its field's in {@link TrainingOptions}. */
    private static final Map<String, String> FIELDS = Map.of("--warmup", "warmupFraction");

    private static final Pattern STATED = Pattern.compile("\\(default: ([^;)]+)(?:; \\[([^]]+)])?\\)");

    @Test
    void theHelpStatesTheDefaultsThatRunsUse() throws Exception {
        TrainingOptions scratch = TrainingOptions.builder().build();
        TrainingOptions fineTuning = TrainingOptions.fineTuning("minilm").build();
        List<String> checked = new ArrayList<>();
        for (OptionSpec option : CommandSpec.forAnnotatedObject(new ModelOptions()).options()) {
            Matcher stated = STATED.matcher(String.join(" ", option.description()));
            if (!stated.find()) {
                continue;
            }
            String field = FIELDS.getOrDefault(option.longestName(), camelCase(option.longestName()));
            RecordComponent component = component(field);
            assertNotNull(component, option.longestName() + " states a default but TrainingOptions has no " + field);
            assertStated(option.longestName(), stated.group(1), component.getAccessor().invoke(scratch));
            if (stated.group(2) != null) {
                assertStated(option.longestName() + " [fine-tuning]", stated.group(2),
                        component.getAccessor().invoke(fineTuning));
            }
            checked.add(option.longestName());
        }
        assertTrue(checked.size() >= 18, "checked " + checked);
    }

    /** A stated default against the value: numbers as numbers, the leading word of "0, off" and the like. */
    private static void assertStated(String option, String stated, Object value) {
        String first = stated.split(",")[0].trim();
        if (value instanceof Number number) {
            if (!first.matches("[-0-9.e]+")) {
                return; // "the learning rate": stated in words, not a number
            }
            assertEquals(Double.parseDouble(first), number.doubleValue(), Math.abs(number.doubleValue()) * 1e-6,
                    option + " says " + stated);
        } else {
            assertEquals(first, String.valueOf(value), option + " says " + stated);
        }
    }

    private static RecordComponent component(String name) {
        for (RecordComponent component : TrainingOptions.class.getRecordComponents()) {
            if (component.getName().equals(name)) {
                return component;
            }
        }
        return null;
    }

    private static String camelCase(String option) {
        String[] parts = option.replaceFirst("^--", "").split("-");
        StringBuilder name = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            name.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return name.toString();
    }
}
