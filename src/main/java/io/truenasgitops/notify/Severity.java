package io.truenasgitops.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How urgent a notification is, ordered: a target's {@code min-severity} lets this one and the ones above through. */
public enum Severity {
    INFO,
    WARNING,
    ERROR;

    /** The lower-case word of configuration and payloads. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The severity a configuration word names.
     *
     * @param key the configuration key, for the error message
     * @throws IllegalArgumentException naming the key and the words allowed
     */
    public static Severity parse(String word, String key) {
        for (Severity s : values()) {
            if (s.label().equalsIgnoreCase(word.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException(key + ": unknown notification severity '" + word + "'; use one of "
                + Arrays.stream(values()).map(Severity::label).collect(Collectors.joining(", ")));
    }
}
