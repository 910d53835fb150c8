package io.truenasgitops.sops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.age.X25519Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SopsRoundTripTest {

    static final X25519Identity KEY = X25519Identity.generate();
    static final X25519Identity OTHER = X25519Identity.generate();
    static final OffsetDateTime NOW = OffsetDateTime.of(2026, 12, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    static final String SECRET = "s3cr3t-p4ss";

    static String encrypt(SopsFormat format, String plain) throws SopsException {
        return SopsEncryptor.encrypt(format, plain, "in", List.of(KEY.recipient()), SopsMetadata.Rules.defaults(),
                NOW);
    }

    static SopsFile.Decrypted decrypt(String text, X25519Identity key) throws SopsException {
        return SopsFile.detect(text, "stacks/web/.env").orElseThrow().decrypt(List.of(key));
    }

    @Test
    void dotenvRoundTripsWithSopsMetadataKeysAndNoPlaintext() throws Exception {
        String enc = encrypt(SopsFormat.DOTENV, "# db\nDB_PASSWORD=" + SECRET + "\nMULTI=a\\nb\nEMPTY=\n");
        assertThat(enc).doesNotContain(SECRET).doesNotContain("# db")
                .contains("sops_age__list_0__map_recipient=" + KEY.recipient().encode())
                .contains("sops_lastmodified=2026-12-02T03:04:05Z", "sops_mac=ENC[AES256_GCM,",
                        "sops_unencrypted_suffix=_unencrypted", "sops_version=" + SopsFormat.SOPS_VERSION,
                        "EMPTY=\n");
        SopsFile.Decrypted d = decrypt(enc, KEY);
        assertThat(d.dotenvText()).isEqualTo("DB_PASSWORD=" + SECRET + "\nMULTI=a\\nb\nEMPTY=\n");
        assertThat(d.secretValues()).containsExactly(SECRET, "a\nb");
    }

    @Test
    void yamlAndJsonRoundTripWithTypesAndUnencryptedSuffix() throws Exception {
        String yaml = "password: " + SECRET + "\nport: 5432\nratio: 1.5\non: true\nname_unencrypted: web\n"
                + "nested:\n  list: [a, b]\n";
        SopsFile.Decrypted y = decrypt(encrypt(SopsFormat.YAML, yaml), KEY);
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) y.tree();
        assertThat(tree).containsEntry("password", SECRET).containsEntry("port", 5432L).containsEntry("ratio", 1.5)
                .containsEntry("on", true).containsEntry("name_unencrypted", "web");
        assertThat(y.secretValues()).contains(SECRET, "5432", "true").doesNotContain("web");
        String json = encrypt(SopsFormat.JSON, "{\"password\": \"" + SECRET + "\", \"port\": 5432}");
        assertThat(json).doesNotContain(SECRET).contains("\"sops\"", "\"version\" : \"" + SopsFormat.SOPS_VERSION);
        assertThat(decrypt(json, KEY).variables("x")).containsEntry("password", SECRET).containsEntry("port", "5432");
    }

    @Test
    void encryptedRegexLeavesOtherValuesReadableAndStillCoveredByTheMac() throws Exception {
        String enc = SopsEncryptor.encrypt(SopsFormat.YAML, "password: " + SECRET + "\nuser: bob\n", "in",
                List.of(KEY.recipient()), new SopsMetadata.Rules("", "", "", "^pass"), NOW);
        assertThat(enc).contains("user: bob").contains("encrypted_regex: ^pass").doesNotContain(SECRET);
        assertThat(decrypt(enc, KEY).secretValues()).containsExactly(SECRET);
        assertThatThrownBy(() -> decrypt(enc.replace("user: bob", "user: eve"), KEY))
                .isInstanceOfSatisfying(SopsException.class, e -> assertThat(e.reason())
                        .isEqualTo(SopsException.Reason.TAMPERED));
    }

    @Test
    void wrongKeyIsRefusedNamingTheFileAndTheRecipients() throws Exception {
        String enc = encrypt(SopsFormat.DOTENV, "A=" + SECRET + "\n");
        assertThatThrownBy(() -> decrypt(enc, OTHER)).isInstanceOfSatisfying(SopsException.class, e -> {
            assertThat(e.reason()).isEqualTo(SopsException.Reason.NO_MATCHING_KEY);
            assertThat(e.getMessage()).startsWith("stacks/web/.env: SOPS file is encrypted for "
                    + KEY.recipient().encode()).doesNotContain(SECRET);
        });
    }

    @Test
    void swappedValuesBadMacAndTruncatedFilesAreRefusedWithoutPlaintext() throws Exception {
        String enc = encrypt(SopsFormat.DOTENV, "A=" + SECRET + "\nB=other-value\n");
        List<String> lines = enc.lines().toList();
        String a = lines.get(0).substring(2);
        String b = lines.get(1).substring(2);
        String swapped = enc.replace("A=" + a, "A=" + b).replaceFirst("B=" + java.util.regex.Pattern.quote(b),
                "B=" + java.util.regex.Matcher.quoteReplacement(a));
        String badMac = enc.replaceAll("(sops_mac=ENC\\[AES256_GCM,data:)(.)", "$1" + "A$2").replace("data:AA", "data:BA");
        String changedTime = enc.replace("sops_lastmodified=2026-12-02T03:04:05Z", "sops_lastmodified=2026-12-02T03:04:06Z");
        String truncated = enc.substring(0, enc.indexOf("sops_age"));
        for (String bad : List.of(swapped, badMac, changedTime, truncated)) {
            assertThat(bad).isNotEqualTo(enc);
            assertThatThrownBy(() -> decrypt(bad, KEY)).isInstanceOfSatisfying(SopsException.class, e -> {
                assertThat(e.getMessage()).startsWith("stacks/web/.env: ").doesNotContain(SECRET)
                        .doesNotContain("other-value");
                assertThat(e.reason()).isIn(SopsException.Reason.TAMPERED, SopsException.Reason.MALFORMED);
            });
        }
    }

    @Test
    void aFileCutInsideTheDataKeyIsRefusedAsTampered() throws Exception {
        String enc = encrypt(SopsFormat.YAML, "a: " + SECRET + "\n");
        String cut = enc.replaceFirst("(-----BEGIN AGE ENCRYPTED FILE-----\\n\\s*\\S{10})\\S*", "$1");
        assertThatThrownBy(() -> decrypt(cut, KEY)).isInstanceOfSatisfying(SopsException.class,
                e -> assertThat(e.reason()).isEqualTo(SopsException.Reason.TAMPERED));
    }

    @Test
    void plainFilesAreNotTakenForSopsFiles() {
        assertThat(SopsFile.detect("A=1\nsops=2\n", "x")).isEmpty();
        assertThat(SopsFile.detect("sops: {a: 1}\nb: 2\n", "x")).isEmpty();
        assertThat(SopsFile.detect("{\"a\": 1}", "x")).isEmpty();
    }

    @Test
    void creationRuleMatchingThePathGivesItsRecipients(@TempDir Path repo) throws Exception {
        Files.writeString(repo.resolve(".sops.yaml"), "creation_rules:\n  - path_regex: ^other/\n    age: "
                + OTHER.recipient().encode() + "\n  - path_regex: stacks/.*\\.env$\n    encrypted_regex: ^PASS\n"
                + "    age: >-\n      " + KEY.recipient().encode() + ",\n      " + OTHER.recipient().encode() + "\n");
        Files.createDirectories(repo.resolve("stacks/web"));
        Path file = repo.resolve("stacks/web/.env");
        SopsConfig.Rule rule = SopsConfig.ruleFor(SopsConfig.find(file).orElseThrow(), file);
        assertThat(rule.recipients()).containsExactly(KEY.recipient(), OTHER.recipient());
        assertThat(rule.rules().encryptedRegex()).isEqualTo("^PASS");
        assertThatThrownBy(() -> SopsConfig.ruleFor(repo.resolve(".sops.yaml"), repo.resolve("README.md")))
                .hasMessageContaining("no creation rule matches README.md");
    }
}
