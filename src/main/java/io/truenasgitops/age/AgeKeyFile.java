package io.truenasgitops.age;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an age identity file as {@code age-keygen} writes it: one {@code AGE-SECRET-KEY-1...} per line, lines
 * starting with {@code #} are comments, blank lines are ignored. Errors name the line, never its content.
 */
public final class AgeKeyFile {

    private AgeKeyFile() {}

    /** The identities of a key file, or why it could not be read. */
    public sealed interface Result permits Keys, Invalid {}

    /** The identities, in file order (at least one). */
    public record Keys(List<X25519Identity> identities) implements Result {
        public Keys {
            identities = List.copyOf(identities);
        }
    }

    /** Why the file holds no usable key; never quotes the file. */
    public record Invalid(String reason) implements Result {}

    public static Result parse(String text) {
        List<X25519Identity> ids = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("AGE-PLUGIN-") || l.startsWith("AGE-SECRET-KEY-PQ-")) {
                return new Invalid("line " + (i + 1) + " is an age plugin or post-quantum identity, which is not"
                        + " supported: use an X25519 key (age-keygen without -pq)");
            }
            try {
                ids.add(X25519Identity.parse(l));
            } catch (IllegalArgumentException e) {
                return new Invalid("line " + (i + 1) + " is not an age secret key (AGE-SECRET-KEY-1...) or a comment"
                        + " ('#'): " + e.getMessage().replaceFirst("^not an age[^:]*: ?", ""));
            }
        }
        if (ids.isEmpty()) {
            return new Invalid("it holds no AGE-SECRET-KEY-1... line: create one with age-keygen");
        }
        return new Keys(ids);
    }
}
