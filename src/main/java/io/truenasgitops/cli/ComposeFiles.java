package io.truenasgitops.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a compose file the way {@code docker compose} does: safe loading (no arbitrary types) and YAML 1.2
 * scalars, so {@code 22:22} stays a string and {@code yes} is not a boolean (TrueNAS' own YAML 1.1 parser would
 * turn them into 1342 and true — one reason the client sends the parsed document as JSON).
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
        Object doc;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(100);
            Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
                    new DumperOptions(), options, new Yaml12Resolver());
            doc = yaml.load(text);
        } catch (RuntimeException e) {
            throw new UsageException("the compose file " + file + " is not valid YAML: " + e.getMessage());
        }
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

    /** The YAML 1.2 core schema: true/false/null, decimal/octal/hex ints, floats; nothing else is implicit. */
    static final class Yaml12Resolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.INT, Pattern.compile("^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$"), "-+0123456789");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.FLOAT, Pattern.compile(
                    "^(?:[-+]?(?:\\.[0-9]+|(?:0|[1-9][0-9]*)\\.[0-9]*)(?:[eE][-+]?[0-9]+)?"
                            + "|[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"),
                    "-+0123456789.");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.MERGE, Pattern.compile("^(?:<<)$"), "<");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL| )$"), "~nN\0");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, Pattern.compile("^$"), null);
        }
    }
}
