package io.truenasgitops.stacks;

import io.truenasgitops.compose.EnvFileReader;
import io.truenasgitops.sops.SopsException;
import io.truenasgitops.sops.SopsFile;
import io.truenasgitops.sops.SopsFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the files of a stack that SOPS encrypted for age ({@code .env}, {@code env_file}s), recognised by their
 * SOPS metadata, with the identities of the age key file. Decrypted values exist only in memory and are
 * secrets: masked like the secrets directory's. Plain files pass through untouched. The key file is read once,
 * when the first encrypted file is met.
 */
final class EncryptedFiles implements EnvFileReader {

    private final Decryption decryption;
    private AgeKeys.Result keys;

    EncryptedFiles(Decryption decryption) {
        this.decryption = decryption == null ? Decryption.none() : decryption;
    }

    @Override
    public Content read(String text, String display) {
        Optional<SopsFile> sops = SopsFile.detect(text, display);
        if (sops.isEmpty()) {
            return new DotEnvText(text, false, List.of());
        }
        SopsFile file = sops.get();
        if (file.metadataError().isPresent()) {
            return new Unreadable(file.metadataError().get().getMessage());
        }
        String recipients = String.join(", ", file.recipients());
        if (decryption.ageKeyFile() == null) {
            if (decryption.placeholdersWithoutKey()) {
                Map<String, String> placeholders = new LinkedHashMap<>();
                file.dotenvNames().forEach(n -> placeholders.put(n, StackRepository.placeholder(n)));
                return new Values(placeholders, true, List.of("SOPS-encrypted for " + recipients + "; not decrypted"
                        + " (no age key file given), its values are checked as placeholders"));
            }
            return new Unreadable(display + " is SOPS-encrypted for " + recipients + ", but no age key file is set:"
                    + " give one with --age-key-file, SOPS_AGE_KEY_FILE or truenas-gitops.stacks.age-key-file");
        }
        if (keys == null) {
            keys = AgeKeys.read(decryption.ageKeyFile());
        }
        if (keys instanceof AgeKeys.Failed f) {
            return new Unreadable(display + " is SOPS-encrypted and the " + f.reason());
        }
        try {
            SopsFile.Decrypted d = file.decrypt(((AgeKeys.Loaded) keys).identities());
            return d.format() == SopsFormat.DOTENV ? new DotEnvText(d.dotenvText(), true, List.of())
                    : new Values(d.variables(display), true, List.of());
        } catch (SopsException e) {
            return new Unreadable(e.getMessage());
        }
    }

    /**
     * A whole file meant for a container (a bind mount, {@code configs.*.file}): null when it is not
     * SOPS-encrypted (or not text), else its decrypted text as {@code sops -d} would print it (a secret), or why it
     * cannot be opened. Without a key file under {@code validate}, a placeholder stands for the content.
     */
    Content openWhole(byte[] bytes, String display) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (text.indexOf('\0') >= 0) {
            return null;
        }
        Optional<SopsFile> sops = SopsFile.detect(text, display);
        if (sops.isEmpty()) {
            return null;
        }
        SopsFile file = sops.get();
        if (file.metadataError().isPresent()) {
            return new Unreadable(file.metadataError().get().getMessage());
        }
        if (decryption.ageKeyFile() == null) {
            if (decryption.placeholdersWithoutKey()) {
                return new DotEnvText(StackRepository.placeholder(display) + "\n", true, List.of());
            }
            return new Unreadable("it is SOPS-encrypted for " + String.join(", ", file.recipients()) + ", but no age"
                    + " key file is set: give one with --age-key-file, SOPS_AGE_KEY_FILE or"
                    + " truenas-gitops.stacks.age-key-file");
        }
        if (keys == null) {
            keys = AgeKeys.read(decryption.ageKeyFile());
        }
        if (keys instanceof AgeKeys.Failed f) {
            return new Unreadable("it is SOPS-encrypted and the " + f.reason());
        }
        try {
            SopsFile.Decrypted d = file.decrypt(((AgeKeys.Loaded) keys).identities());
            String plain = switch (d.format()) {
                case DOTENV -> d.dotenvText();
                case YAML -> io.truenasgitops.compose.ComposeYaml.dump(d.tree());
                case JSON -> new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(d.tree()) + "\n";
            };
            return new DotEnvText(plain, true, List.of());
        } catch (SopsException e) {
            return new Unreadable(e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new Unreadable("its decrypted JSON cannot be written out");
        }
    }
}
