package io.truenasgitops.sops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.truenasgitops.age.Age;
import io.truenasgitops.age.AgeArmor;
import io.truenasgitops.age.X25519Recipient;
import io.truenasgitops.compose.YamlLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Encrypts a plain dotenv, YAML or JSON file the way {@code sops --encrypt --age} does, so that sops (and
 * {@link SopsFile}) can decrypt it: a random 32-byte data key, each value AES-256-GCM encrypted with its path as
 * additional data, the data key age-encrypted for every recipient, and the MAC over the values.
 */
public final class SopsEncryptor {

    private SopsEncryptor() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Encrypts {@code plaintext}.
     *
     * @param display how to name the input in errors
     * @param recipients the age recipients (at least one)
     * @param rules which values to encrypt
     * @param now the {@code lastmodified} time
     * @throws SopsException when the input does not parse or is already encrypted; never quotes a value
     */
    public static String encrypt(SopsFormat format, String plaintext, String display, List<X25519Recipient> recipients,
            SopsMetadata.Rules rules, OffsetDateTime now) throws SopsException {
        if (recipients.isEmpty()) {
            throw new SopsException(SopsException.Reason.MALFORMED, display + ": no age recipient to encrypt for:"
                    + " add age: age1... to the matching creation rule of .sops.yaml");
        }
        if (SopsFile.detect(plaintext, display).isPresent()) {
            throw new SopsException(SopsException.Reason.MALFORMED, display + ": file is already SOPS-encrypted:"
                    + " edit it with sops, or encrypt the plain file");
        }
        byte[] dataKey = new byte[SopsFile.DATA_KEY_BYTES];
        RANDOM.nextBytes(dataKey);
        try {
            MessageDigest hash = SopsFile.sha512();
            SopsFile.Leaf fn = (value, path) -> {
                boolean encrypted = rules.encrypts(path);
                hash.update(Leaves.bytes(value));
                if (!encrypted || "".equals(value)) {
                    return value;
                }
                return EncryptedValue.encrypt(Leaves.bytes(value), Leaves.type(value), dataKey,
                        String.join(":", path) + ":").format();
            };
            String lastModified = SopsMetadata.format(now);
            Object encryptedTree;
            if (format == SopsFormat.DOTENV) {
                List<DotenvEntries.Entry> out = new ArrayList<>();
                for (DotenvEntries.Entry e : DotenvEntries.parse(plaintext.replace("\r\n", "\n"), display)) {
                    if (e.isComment()) {
                        out.add(new DotenvEntries.Entry(null, EncryptedValue.encrypt(
                                e.value().getBytes(StandardCharsets.UTF_8), "comment", dataKey, ":").format()));
                    } else {
                        out.add(new DotenvEntries.Entry(e.key(), (String) fn.apply(e.value(), List.of(e.key()))));
                    }
                }
                encryptedTree = out;
            } else {
                encryptedTree = Trees.walk(parseTree(format, plaintext, display), List.of(), fn);
            }
            String mac = HexFormat.of().withUpperCase().formatHex(hash.digest());
            Map<String, Object> metadata = new LinkedHashMap<>();
            List<Object> age = new ArrayList<>();
            for (X25519Recipient r : recipients) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("recipient", r.encode());
                entry.put("enc", AgeArmor.encode(Age.encrypt(dataKey, List.of(r))));
                age.add(entry);
            }
            metadata.put("age", age);
            metadata.put("lastmodified", lastModified);
            metadata.put("mac", EncryptedValue.encrypt(mac.getBytes(StandardCharsets.US_ASCII), "str", dataKey,
                    lastModified).format());
            metadata.putAll(rules.asMetadata());
            metadata.put("version", SopsFormat.SOPS_VERSION);
            return emit(format, encryptedTree, metadata);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Encrypts a single value as a dotenv line {@code NAME=value}, sops-encrypted. */
    public static String encryptValue(String name, String value, List<X25519Recipient> recipients,
            SopsMetadata.Rules rules, OffsetDateTime now) throws SopsException {
        return encrypt(SopsFormat.DOTENV, name + "=" + value.replace("\n", "\\n") + "\n", name, recipients, rules,
                now);
    }

    private static Object parseTree(SopsFormat format, String plaintext, String display) throws SopsException {
        if (format == SopsFormat.JSON) {
            Map<String, Object> m = SopsFile.parseJson(plaintext);
            if (m == null) {
                throw new SopsException(SopsException.Reason.MALFORMED, display + ": not a JSON object: sops"
                        + " encrypts a JSON file whose top level is an object");
            }
            return m;
        }
        YamlLoader.Result r = YamlLoader.load(plaintext, display);
        if (!r.ok() || !(r.root() instanceof Map<?, ?>)) {
            throw new SopsException(SopsException.Reason.MALFORMED, display + ": not a YAML mapping: sops encrypts"
                    + " a YAML file whose top level is a mapping (check it with a YAML linter)");
        }
        return r.root();
    }

    private static String emit(SopsFormat format, Object tree, Map<String, Object> metadata) {
        if (format == SopsFormat.DOTENV) {
            @SuppressWarnings("unchecked")
            List<DotenvEntries.Entry> entries = new ArrayList<>((List<DotenvEntries.Entry>) tree);
            Flattening.flatten(metadata).forEach((k, v) -> entries.add(new DotenvEntries.Entry(k, v)));
            return DotenvEntries.emit(entries);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = new LinkedHashMap<>((Map<String, Object>) tree);
        root.put("sops", metadata);
        if (format == SopsFormat.JSON) {
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write JSON of plain maps", e);
            }
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(4);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(Integer.MAX_VALUE);
        return new Yaml(options).dump(root);
    }
}
