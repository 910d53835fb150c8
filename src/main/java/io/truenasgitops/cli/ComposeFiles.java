package io.truenasgitops.cli;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.YamlLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a compose file the way {@code docker compose} does, with the stacks' loader ({@link YamlLoader}): safe
 * loading (no arbitrary types) and scalars as go-yaml reads them, so {@code 22:22} stays a string, {@code yes} is
 * not a boolean (TrueNAS' own YAML 1.1 parser would turn them into 1342 and true — one reason the client sends the
 * parsed document as JSON) and {@code 0755} is octal 493, as {@code docker compose up} would make it.
 */
final class ComposeFiles {
    private ComposeFiles() {}

    static Map<String, Object> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read the compose file " + file + ": " + e.getMessage());
        }
        YamlLoader.Result loaded = YamlLoader.load(text, file.toString());
        if (!loaded.ok()) {
            throw new UsageException("the compose file " + file + " is not valid YAML: " + loaded.problems().stream()
                    .filter(Problem::isError).findFirst().map(p -> "line " + p.line() + ": " + p.message()).orElse(""));
        }
        Object doc = loaded.root();
        if (!(doc instanceof Map<?, ?> map)) {
            throw new UsageException("the compose file " + file + " must be a YAML mapping (services: ...)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> compose = (Map<String, Object>) map;
        if (!compose.containsKey("services")) {
            throw new UsageException("the compose file " + file + " has no 'services:' section");
        }
        return compose;
    }
}
