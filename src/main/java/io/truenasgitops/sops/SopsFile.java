package io.truenasgitops.sops;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.age.Age;
import io.truenasgitops.age.AgeException;
import io.truenasgitops.age.X25519Identity;
import io.truenasgitops.compose.YamlLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A file encrypted by SOPS, recognised by its metadata (not by its name): dotenv with {@code sops_*} keys, or a
 * YAML/JSON mapping with a top-level {@code sops} key. Decrypts with age identities only, in memory, and checks
 * every value against the file's MAC.
 */
public final class SopsFile {

    /**
     * Bytes fed to the MAC before the values when {@code mac_only_encrypted} is set, so such a MAC never equals
     * one over all values (a constant of the sops format).
     */
    private static final byte[] MAC_ONLY_ENCRYPTED_INIT = HexFormat.of().parseHex(
            "8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69");
    static final int DATA_KEY_BYTES = 32;

    private final SopsFormat format;
    private final String display;
    /** DOTENV: List of DotenvEntries.Entry without the sops_ keys; YAML/JSON: the mapping without "sops". */
    private final Object tree;
    private final SopsMetadata metadata;
    private final SopsException metadataError;

    private SopsFile(SopsFormat format, String display, Object tree, SopsMetadata metadata, SopsException error) {
        this.format = format;
        this.display = display;
        this.tree = tree;
        this.metadata = metadata;
        this.metadataError = error;
    }

    /**
     * The file, when {@code text} is SOPS-encrypted; empty for a plain file.
     *
     * @param display how to name the file in messages ({@code stacks/web/.env})
     */
    public static Optional<SopsFile> detect(String text, String display) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (hasDotenvMetadata(t)) {
            try {
                List<DotenvEntries.Entry> all = DotenvEntries.parse(t.replace("\r\n", "\n"), display);
                Map<String, Object> flat = new LinkedHashMap<>();
                List<DotenvEntries.Entry> values = new ArrayList<>();
                for (DotenvEntries.Entry e : all) {
                    if (!e.isComment() && e.key().startsWith("sops_")) {
                        flat.put(e.key().substring("sops_".length()), e.value());
                    } else {
                        values.add(e);
                    }
                }
                return Optional.of(withMetadata(SopsFormat.DOTENV, display, values, Flattening.unflatten(flat)));
            } catch (SopsException e) {
                return Optional.of(new SopsFile(SopsFormat.DOTENV, display, List.of(), null, e));
            }
        }
        String stripped = t.stripLeading();
        if (stripped.startsWith("{")) {
            Map<String, Object> json = parseJson(t);
            if (json != null && json.get("sops") instanceof Map<?, ?> sops && isMetadata(sops)) {
                return Optional.of(withMetadata(SopsFormat.JSON, display, without(json), sops));
            }
            return Optional.empty();
        }
        if (t.startsWith("sops:") || t.contains("\nsops:")) {
            YamlLoader.Result r = YamlLoader.load(t, display);
            if (r.ok() && r.root() instanceof Map<?, ?> root && root.get("sops") instanceof Map<?, ?> sops
                    && isMetadata(sops)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) root;
                return Optional.of(withMetadata(SopsFormat.YAML, display, without(m), sops));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a text is a SOPS dotenv file: it has the metadata sops writes ({@code sops_mac=},
     * {@code sops_lastmodified=}, {@code sops_version=}), or a value in SOPS's format (a file cut before its
     * metadata must not pass for a plain one).
     */
    static boolean hasDotenvMetadata(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("sops_mac=") || line.startsWith("sops_lastmodified=")
                    || line.startsWith("sops_version=")) {
                return true;
            }
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0 && EncryptedValue.looksEncrypted(line.substring(eq + 1))) {
                return true;
            }
        }
        return false;
    }

    /** A {@code sops} mapping is SOPS's when it has one of the fields sops always writes. */
    private static boolean isMetadata(Map<?, ?> sops) {
        return sops.containsKey("mac") || sops.containsKey("lastmodified") || sops.containsKey("version");
    }

    private static SopsFile withMetadata(SopsFormat format, String display, Object tree, Map<?, ?> sops) {
        try {
            return new SopsFile(format, display, tree, SopsMetadata.read(sops, display), null);
        } catch (SopsException e) {
            return new SopsFile(format, display, tree, null, e);
        }
    }

    private static Map<String, Object> without(Map<String, Object> root) {
        Map<String, Object> m = new LinkedHashMap<>(root);
        m.remove("sops");
        return m;
    }

    static Map<String, Object> parseJson(String text) {
        ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try {
            Object o = mapper.readValue(text, Object.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = o instanceof Map<?, ?> ? (Map<String, Object>) o : null;
            return m;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public SopsFormat format() {
        return format;
    }

    /** The recipients the file is encrypted for ({@code age1...}, then other key types by name). */
    public List<String> recipients() {
        return metadata == null ? List.of() : metadata.describeRecipients();
    }

    /** Why the metadata cannot be used, when it cannot. */
    public Optional<SopsException> metadataError() {
        return Optional.ofNullable(metadataError);
    }

    /** The names a dotenv file defines (visible without a key: sops encrypts values, not names). */
    public List<String> dotenvNames() {
        if (format != SopsFormat.DOTENV) {
            return topLevelNames();
        }
        @SuppressWarnings("unchecked")
        List<DotenvEntries.Entry> entries = (List<DotenvEntries.Entry>) tree;
        return entries.stream().filter(e -> !e.isComment()).map(e -> e.key().strip()).toList();
    }

    private List<String> topLevelNames() {
        return tree instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList() : List.of();
    }

    /**
     * Decrypts the file with the first identity that matches a recipient, and verifies the MAC.
     *
     * @throws SopsException naming the file and what to do; never a value
     */
    public Decrypted decrypt(List<X25519Identity> identities) throws SopsException {
        if (metadataError != null) {
            throw metadataError;
        }
        Optional<String> nonAge = metadata.onlyNonAge();
        if (nonAge.isPresent()) {
            throw new SopsException(SopsException.Reason.NO_AGE_RECIPIENT, display + ": SOPS file is encrypted for "
                    + nonAge.get() + " only, not for an age recipient: add an age recipient to it with sops"
                    + " (sops updatekeys after adding age to .sops.yaml)");
        }
        return decryptWith(dataKey(identities));
    }

    /** Decrypts with the data key itself (however it was obtained), checking the MAC; wipes the key. */
    Decrypted decryptWith(byte[] dataKey) throws SopsException {
        if (metadataError != null) {
            throw metadataError;
        }
        try {
            MessageDigest hash = sha512();
            if (metadata.macOnlyEncrypted()) {
                hash.update(MAC_ONLY_ENCRYPTED_INIT);
            }
            List<String> secrets = new ArrayList<>();
            Object plain = walkDecrypt(dataKey, hash, secrets);
            String computed = HexFormat.of().withUpperCase().formatHex(hash.digest());
            EncryptedValue mac = EncryptedValue.parse(metadata.mac()).orElseThrow(() -> new SopsException(
                    SopsException.Reason.MALFORMED, display + ": SOPS metadata mac is not an ENC[AES256_GCM,...]"
                    + " value: the file is damaged; restore it from Git history or encrypt it again"));
            byte[] stored = mac.decrypt(dataKey, metadata.lastModified()).orElseThrow(() -> tampered(
                    "its MAC does not decrypt (the MAC or lastmodified was changed)"));
            if (!MessageDigest.isEqual(stored, computed.getBytes(StandardCharsets.US_ASCII))) {
                throw tampered("its MAC does not match its values (a value, a key name or the order was changed)");
            }
            return new Decrypted(format, plain, secrets);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] dataKey(List<X25519Identity> identities) throws SopsException {
        for (SopsMetadata.AgeKey key : metadata.ageKeys()) {
            try {
                byte[] k = Age.decrypt(key.enc().getBytes(StandardCharsets.UTF_8), identities);
                if (k.length != DATA_KEY_BYTES) {
                    throw tampered("the data key encrypted for " + key.recipient() + " is not 32 bytes");
                }
                return k;
            } catch (AgeException e) {
                if (e.kind() != AgeException.Kind.NO_MATCH) {
                    throw tampered("the data key encrypted for " + key.recipient() + " (sops metadata enc) is"
                            + " damaged");
                }
            }
        }
        throw new SopsException(SopsException.Reason.NO_MATCHING_KEY, display + ": SOPS file is encrypted for "
                + String.join(", ", recipients()) + ", and no age key in the key file is one of them: add the"
                + " matching AGE-SECRET-KEY-1... line to the key file, or re-encrypt the file for your key");
    }

    private Object walkDecrypt(byte[] dataKey, MessageDigest hash, List<String> secrets) throws SopsException {
        Leaf fn = (value, path) -> {
            boolean encrypted = metadata.rules().encrypts(path);
            Object v = value;
            if (encrypted) {
                if (!(value instanceof String s)) {
                    throw new SopsException(SopsException.Reason.TAMPERED, display + ": value at " + where(path)
                            + " is not encrypted although the SOPS rules say it should be: the file was edited"
                            + " without sops; encrypt it again");
                }
                if (!s.isEmpty()) {
                    EncryptedValue enc = EncryptedValue.parse(s).orElseThrow(() -> new SopsException(
                            SopsException.Reason.TAMPERED, display + ": value at " + where(path) + " is not an"
                            + " ENC[AES256_GCM,...] value: the file was edited without sops; encrypt it again"));
                    byte[] plain = enc.decrypt(dataKey, String.join(":", path) + ":").orElseThrow(() -> tampered(
                            "the value at " + where(path) + " does not decrypt (it was changed or moved)"));
                    v = Leaves.typed(plain, enc.type()).orElseThrow(() -> new SopsException(
                            SopsException.Reason.MALFORMED, display + ": value at " + where(path) + " has an"
                            + " unknown or mismatched type: encrypt the file again"));
                    secrets.add(Leaves.variable(v));
                }
            }
            if (!metadata.macOnlyEncrypted() || encrypted) {
                hash.update(Leaves.bytes(v));
            }
            return v;
        };
        if (format == SopsFormat.DOTENV) {
            @SuppressWarnings("unchecked")
            List<DotenvEntries.Entry> entries = (List<DotenvEntries.Entry>) tree;
            List<DotenvEntries.Entry> out = new ArrayList<>();
            for (DotenvEntries.Entry e : entries) {
                if (!e.isComment()) {
                    out.add(new DotenvEntries.Entry(e.key(), (String) fn.apply(e.value(), List.of(e.key()))));
                }
            }
            return out;
        }
        return Trees.walk(tree, List.of(), fn);
    }

    private static String where(List<String> path) {
        return path.isEmpty() ? "the top level" : String.join(".", path);
    }

    private SopsException tampered(String what) {
        return new SopsException(SopsException.Reason.TAMPERED, display + ": SOPS file refused, " + what + ": the"
                + " file was changed after it was encrypted or is cut short; restore it from Git history or encrypt"
                + " it again");
    }

    static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is not available in this JDK", e);
        }
    }

    /** A function over the leaves of a tree. */
    @FunctionalInterface
    interface Leaf {
        Object apply(Object value, List<String> path) throws SopsException;
    }

    /**
     * A decrypted file, in memory only.
     *
     * @param format the file's format
     * @param tree DOTENV: the decrypted {@code KEY=value} entries; YAML/JSON: the decrypted mapping
     * @param secretValues every value that was encrypted, decrypted (to mask them wherever they could show)
     */
    public record Decrypted(SopsFormat format, Object tree, List<String> secretValues) {

        public Decrypted {
            secretValues = List.copyOf(secretValues);
        }

        /** The decrypted dotenv file as sops would print it ({@code sops -d}), for a dotenv parser. */
        public String dotenvText() {
            @SuppressWarnings("unchecked")
            List<DotenvEntries.Entry> entries = (List<DotenvEntries.Entry>) tree;
            return DotenvEntries.emit(entries);
        }

        /**
         * A YAML/JSON file's top-level names and scalar values, as variables.
         *
         * @throws SopsException when a value is a mapping or a list
         */
        public Map<String, String> variables(String display) throws SopsException {
            Map<String, String> out = new LinkedHashMap<>();
            if (tree instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?>) {
                        throw new SopsException(SopsException.Reason.MALFORMED, display + ": variable "
                                + e.getKey() + " is a mapping or a list: a variables file maps names to single values");
                    }
                    out.put(String.valueOf(e.getKey()), Leaves.variable(e.getValue()));
                }
            }
            return out;
        }
    }
}
