package io.truenasgitops.compose;

import java.util.List;
import java.util.Map;

/**
 * Turns the text of an {@code env_file} into what it defines. The compose pipeline reads plain dotenv files
 * itself; a reader in front of it can open files that are encrypted in the repository (SOPS), whose values are
 * then secrets, masked like the secrets directory's.
 */
@FunctionalInterface
public interface EnvFileReader {

    /** What an env file holds. */
    sealed interface Content permits DotEnvText, Values, Unreadable {}

    /**
     * Dotenv text, parsed with docker compose's syntax.
     *
     * @param text the dotenv text (plain, or decrypted in memory)
     * @param secret whether every value it defines is a secret
     * @param notes warnings about the file (never holding a value)
     */
    record DotEnvText(String text, boolean secret, List<String> notes) implements Content {
        public DotEnvText {
            notes = List.copyOf(notes);
        }
    }

    /**
     * Values given as they are (no dotenv syntax, no interpolation): a YAML/JSON file's names and values.
     *
     * @param secret whether every value is a secret
     * @param notes warnings about the file (never holding a value)
     */
    record Values(Map<String, String> values, boolean secret, List<String> notes) implements Content {
        public Values {
            values = Map.copyOf(values);
            notes = List.copyOf(notes);
        }
    }

    /** The file cannot be used; {@code reason} names the file, says what to do and never holds a value. */
    record Unreadable(String reason) implements Content {}

    /**
     * Reads one env file.
     *
     * @param text the file's content, read within the repository's bounds
     * @param display the file as named in problems ({@code stacks/web/secrets.env})
     */
    Content read(String text, String display);

    /** Every env file is plain dotenv text. */
    EnvFileReader PLAIN = (text, display) -> new DotEnvText(text, false, List.of());
}
