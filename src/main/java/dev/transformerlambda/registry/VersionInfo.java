package dev.transformerlambda.registry;

/**
 * One published version as {@code list} shows it.
 *
 * @param architecture its encoder family
 * @param origin where it came from besides its data: {@code fine-tuned from X}, {@code distilled
 *     from NAME VERSION}, or {@code from scratch}
 */
public record VersionInfo(String version, String created, double accuracy, double macroF1, boolean current,
        String architecture, String origin) {}
