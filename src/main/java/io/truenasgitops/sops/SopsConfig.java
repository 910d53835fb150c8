package io.truenasgitops.sops;

import io.truenasgitops.age.X25519Recipient;
import io.truenasgitops.compose.YamlLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code creation_rules} of a repository's {@code .sops.yaml}: the first rule whose {@code path_regex} finds a
 * match in the file's path (relative to the folder of {@code .sops.yaml}, {@code /} separators) says which age
 * recipients, and which values, a new file is encrypted for. Rules without {@code path_regex} match every file.
 */
public final class SopsConfig {

    private SopsConfig() {}

    /** The configuration file name sops looks for, from the working folder up. */
    public static final String FILE_NAME = ".sops.yaml";
    /** Largest {@code .sops.yaml} read. */
    public static final long MAX_BYTES = 64 * 1024;

    /**
     * What to encrypt a file with.
     *
     * @param config the {@code .sops.yaml} the rule is in
     * @param recipients the rule's age recipients
     * @param rules which values to encrypt
     */
    public record Rule(Path config, List<X25519Recipient> recipients, SopsMetadata.Rules rules) {}

    /** The nearest {@code .sops.yaml} in the file's folder or above it. */
    public static Optional<Path> find(Path file) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        while (dir != null) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** The rule for {@code file} in {@code config}. */
    public static Rule ruleFor(Path config, Path file) throws SopsException {
        String where = config.toString();
        String text;
        try {
            if (Files.size(config) > MAX_BYTES) {
                throw new SopsException(SopsException.Reason.MALFORMED, where + ": larger than " + MAX_BYTES
                        + " bytes: not a sops configuration");
            }
            text = Files.readString(config);
        } catch (IOException e) {
            throw new SopsException(SopsException.Reason.MALFORMED, where + ": cannot read the sops configuration: "
                    + e.getMessage());
        }
        YamlLoader.Result r = YamlLoader.load(text, where);
        if (!r.ok() || !(r.root() instanceof Map<?, ?> root) || !(root.get("creation_rules") instanceof List<?> rs)) {
            throw new SopsException(SopsException.Reason.MALFORMED, where + ": has no creation_rules list: add"
                    + " creation_rules with a path_regex and age recipients");
        }
        Path base = config.toAbsolutePath().normalize().getParent();
        String relative = base.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
        for (int i = 0; i < rs.size(); i++) {
            if (!(rs.get(i) instanceof Map<?, ?> rule)) {
                continue;
            }
            String pathRegex = SopsMetadata.str(rule.get("path_regex"));
            try {
                if (!pathRegex.isEmpty() && !Pattern.compile(pathRegex).matcher(relative).find()) {
                    continue;
                }
            } catch (PatternSyntaxException e) {
                throw new SopsException(SopsException.Reason.MALFORMED, where + ": creation_rules[" + i + "]"
                        + " path_regex does not compile: " + e.getDescription());
            }
            String rulePlace = where + ": creation_rules[" + i + "]";
            List<X25519Recipient> recipients = recipients(rule, rulePlace);
            SopsMetadata.Rules valueRules = SopsMetadata.Rules.of(SopsMetadata.str(rule.get("unencrypted_suffix")),
                    SopsMetadata.str(rule.get("encrypted_suffix")), SopsMetadata.str(rule.get("unencrypted_regex")),
                    SopsMetadata.str(rule.get("encrypted_regex")), rulePlace);
            return new Rule(config, recipients, valueRules);
        }
        throw new SopsException(SopsException.Reason.MALFORMED, where + ": no creation rule matches " + relative
                + ": add a rule whose path_regex matches it (or one without path_regex)");
    }

    private static List<X25519Recipient> recipients(Map<?, ?> rule, String where) throws SopsException {
        List<String> texts = new ArrayList<>(split(rule.get("age")));
        if (rule.get("key_groups") instanceof List<?> groups) {
            if (groups.size() > 1) {
                throw new SopsException(SopsException.Reason.UNSUPPORTED, where + " has several key_groups (Shamir"
                        + " secret sharing), which is not supported here: use one list of age recipients");
            }
            if (!groups.isEmpty() && groups.get(0) instanceof Map<?, ?> g) {
                texts.addAll(split(g.get("age")));
            }
        }
        if (texts.isEmpty()) {
            throw new SopsException(SopsException.Reason.NO_AGE_RECIPIENT, where + " has no age recipients: add"
                    + " age: age1... (the public key age-keygen printed)");
        }
        List<X25519Recipient> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(X25519Recipient.parse(t));
            } catch (IllegalArgumentException e) {
                throw new SopsException(SopsException.Reason.MALFORMED, where + " has an age recipient that is not"
                        + " an age1... public key: " + e.getMessage());
            }
        }
        return out;
    }

    private static List<String> split(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            l.forEach(v -> out.addAll(split(v)));
        } else if (value != null) {
            for (String s : String.valueOf(value).split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }
}
