package io.truenasgitops.sops;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code sops} metadata of an encrypted file, as far as age decryption needs it.
 *
 * @param ageKeys the age recipients and the data key encrypted for each (armored age files)
 * @param otherKeyTypes the other key types the file is encrypted for ({@code pgp}, {@code kms}, ...)
 * @param lastModified the {@code lastmodified} timestamp as written (the MAC's additional data, normalised)
 * @param mac the encrypted MAC ({@code ENC[...]})
 * @param version the sops version that wrote the file
 * @param rules which values are encrypted
 * @param macOnlyEncrypted whether the MAC covers only the encrypted values
 */
public record SopsMetadata(List<AgeKey> ageKeys, List<String> otherKeyTypes, String lastModified, String mac,
        String version, Rules rules, boolean macOnlyEncrypted) {

    /** The default {@code unencrypted_suffix} when a file names no rule. */
    public static final String DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";
    static final List<String> OTHER_KEY_TYPES = List.of("pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms");

    public SopsMetadata {
        ageKeys = List.copyOf(ageKeys);
        otherKeyTypes = List.copyOf(otherKeyTypes);
    }

    /**
     * One age recipient of the file.
     *
     * @param recipient the {@code age1...} public key
     * @param enc the data key, age-encrypted for it and armored
     */
    public record AgeKey(String recipient, String enc) {}

    /** Which values sops encrypts: by default all but those under a key ending with {@code _unencrypted}. */
    public record Rules(String unencryptedSuffix, String encryptedSuffix, String unencryptedRegex,
            String encryptedRegex) {

        /** The default: everything but keys ending with {@code _unencrypted}. */
        public static Rules defaults() {
            return new Rules(DEFAULT_UNENCRYPTED_SUFFIX, "", "", "");
        }

        /** Whether the value at {@code path} (its map keys, outermost first) is encrypted. */
        public boolean encrypts(List<String> path) {
            boolean encrypted = true;
            if (!unencryptedSuffix.isEmpty() && path.stream().anyMatch(k -> k.endsWith(unencryptedSuffix))) {
                encrypted = false;
            }
            if (!encryptedSuffix.isEmpty()) {
                encrypted = path.stream().anyMatch(k -> k.endsWith(encryptedSuffix));
            }
            if (!unencryptedRegex.isEmpty() && path.stream().anyMatch(k -> Pattern.compile(unencryptedRegex)
                    .matcher(k).find())) {
                encrypted = false;
            }
            if (!encryptedRegex.isEmpty()) {
                encrypted = path.stream().anyMatch(k -> Pattern.compile(encryptedRegex).matcher(k).find());
            }
            return encrypted;
        }

        /** The rule as metadata entries ({@code unencrypted_suffix: _unencrypted}), only the one that is set. */
        Map<String, String> asMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, "unencrypted_suffix", unencryptedSuffix);
            put(m, "encrypted_suffix", encryptedSuffix);
            put(m, "unencrypted_regex", unencryptedRegex);
            put(m, "encrypted_regex", encryptedRegex);
            return m;
        }

        private static void put(Map<String, String> m, String k, String v) {
            if (!v.isEmpty()) {
                m.put(k, v);
            }
        }

        /** Checks that at most one rule is set and its regex compiles; a message for {@code where} otherwise. */
        static Rules of(String unencSuffix, String encSuffix, String unencRegex, String encRegex, String where)
                throws SopsException {
            int set = 0;
            for (String s : new String[] {unencSuffix, encSuffix, unencRegex, encRegex}) {
                if (!s.isEmpty()) {
                    set++;
                }
            }
            if (set > 1) {
                throw new SopsException(SopsException.Reason.MALFORMED, where + " sets more than one of"
                        + " unencrypted_suffix, encrypted_suffix, unencrypted_regex and encrypted_regex: keep one");
            }
            for (String r : new String[] {unencRegex, encRegex}) {
                try {
                    Pattern.compile(r);
                } catch (PatternSyntaxException e) {
                    throw new SopsException(SopsException.Reason.MALFORMED, where + " has a regular expression that"
                            + " does not compile: " + e.getDescription());
                }
            }
            return set == 0 ? defaults() : new Rules(unencSuffix, encSuffix, unencRegex, encRegex);
        }
    }

    /** Reads the metadata from the {@code sops} mapping (YAML/JSON, or dotenv keys unflattened). */
    static SopsMetadata read(Map<?, ?> sops, String display) throws SopsException {
        for (String k : List.of("unencrypted_comment_regex", "encrypted_comment_regex")) {
            if (!str(sops.get(k)).isEmpty()) {
                throw new SopsException(SopsException.Reason.UNSUPPORTED, display + ": SOPS file uses " + k
                        + ", which is not supported here: re-encrypt it without comment rules");
            }
        }
        List<AgeKey> age = new ArrayList<>(ageKeys(sops.get("age"), display));
        List<String> others = new ArrayList<>(otherKeyTypes(sops));
        if (sops.get("key_groups") instanceof List<?> groups && !groups.isEmpty()) {
            if (groups.size() > 1) {
                throw new SopsException(SopsException.Reason.UNSUPPORTED, display + ": SOPS file uses " + groups.size()
                        + " key groups (Shamir secret sharing), which is not supported here: re-encrypt it with one"
                        + " group of age recipients");
            }
            if (groups.get(0) instanceof Map<?, ?> g) {
                age.addAll(ageKeys(g.get("age"), display));
                others.addAll(otherKeyTypes(g));
            }
        }
        String lastModified = str(sops.get("lastmodified"));
        String mac = str(sops.get("mac"));
        if (lastModified.isEmpty() || mac.isEmpty()) {
            throw new SopsException(SopsException.Reason.MALFORMED, display + ": SOPS metadata has no "
                    + (mac.isEmpty() ? "mac" : "lastmodified") + ": the file is damaged or was not written by sops;"
                    + " restore it from Git history or encrypt it again");
        }
        Rules rules = Rules.of(str(sops.get("unencrypted_suffix")), str(sops.get("encrypted_suffix")),
                str(sops.get("unencrypted_regex")), str(sops.get("encrypted_regex")), display + ": SOPS metadata");
        Object macOnly = sops.get("mac_only_encrypted");
        return new SopsMetadata(age, others, normalizeTime(lastModified, display), mac, str(sops.get("version")),
                rules, Boolean.TRUE.equals(macOnly) || "true".equals(macOnly));
    }

    /** The timestamp as sops formats it again before using it as the MAC's additional data (RFC 3339, seconds). */
    static String normalizeTime(String lastModified, String display) throws SopsException {
        try {
            OffsetDateTime t = OffsetDateTime.parse(lastModified, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return format(t);
        } catch (DateTimeParseException e) {
            throw new SopsException(SopsException.Reason.MALFORMED, display + ": SOPS metadata lastmodified is not"
                    + " an RFC 3339 time: the file is damaged; restore it from Git history or encrypt it again");
        }
    }

    static String format(OffsetDateTime t) {
        OffsetDateTime s = t.withNano(0);
        String text = s.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX"));
        return s.getOffset().equals(ZoneOffset.UTC) ? text.replace("+00:00", "Z") : text;
    }

    private static List<AgeKey> ageKeys(Object list, String display) throws SopsException {
        List<AgeKey> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof Map<?, ?> m) || str(m.get("recipient")).isEmpty() || str(m.get("enc")).isEmpty()) {
                    throw new SopsException(SopsException.Reason.MALFORMED, display + ": SOPS metadata has an age"
                            + " entry without recipient or enc: the file is damaged; restore it from Git history");
                }
                out.add(new AgeKey(str(m.get("recipient")), str(m.get("enc"))));
            }
        }
        return out;
    }

    private static List<String> otherKeyTypes(Map<?, ?> m) {
        List<String> out = new ArrayList<>();
        for (String t : OTHER_KEY_TYPES) {
            if (m.get(t) instanceof List<?> l && !l.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    /** The recipients, for people: {@code age1...} keys, then other key types by name. */
    public List<String> describeRecipients() {
        List<String> out = new ArrayList<>(ageKeys.stream().map(AgeKey::recipient).toList());
        out.addAll(otherKeyTypes);
        return out;
    }

    Optional<String> onlyNonAge() {
        return ageKeys.isEmpty() ? Optional.of(otherKeyTypes.isEmpty() ? "no key" : String.join(", ", otherKeyTypes))
                : Optional.empty();
    }
}
