package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImportRulesTest {

    @Test
    void passwordsSecretsTokensAndKeysWithAValueAreSecretsButFileNamesAndEmptyValuesAreNot() {
        assertThat(ImportRules.secrets("DB_PASSWORD=a\nJWT_SECRET=b\nAPI_TOKEN=c\nsecret_key=d\nTZ=UTC\n"
                + "PASSWORD_FILE=/run/secrets/pw\nSMTP_PASSWORD=\n"))
                .containsExactly(Map.entry("DB_PASSWORD", "a"), Map.entry("JWT_SECRET", "b"),
                        Map.entry("API_TOKEN", "c"), Map.entry("secret_key", "d"));
    }

    @Test
    void aSecretLineKeepsItsNameAndReadsItsValueFromTheSecretsDirectory() {
        String env = "# db\nexport DB_PASSWORD = \"two\nlines\"\nTZ=UTC\nAPI_KEY=x # comment\n";
        String out = ImportRules.withoutValues(env, Set.of("DB_PASSWORD", "API_KEY"));
        assertThat(out).isEqualTo("# db\nexport DB_PASSWORD=${DB_PASSWORD}\nTZ=UTC\nAPI_KEY=${API_KEY}\n");
        var parsed = io.truenasgitops.compose.DotEnv.parse(out, ".env",
                n -> Optional.ofNullable(Map.of("DB_PASSWORD", "pw", "API_KEY", "k").get(n)));
        assertThat(parsed.values()).containsEntry("DB_PASSWORD", "pw").containsEntry("API_KEY", "k")
                .containsEntry("TZ", "UTC");
    }

    @Test
    void relativeBindsAreFoundInShortAndLongSyntaxWithTheirVariablesAndReadOnlyFlag() {
        String compose = "services:\n  a:\n    volumes:\n      - ${UPLOAD:-./up}:/data\n      - ./conf:/etc/x:ro\n"
                + "      - named:/y\n      - /mnt/tank/z:/z\n  b:\n    volumes:\n      - type: bind\n"
                + "        source: ./db\n        target: /db\n        read_only: true\n";
        assertThat(ImportRules.relativeBinds(compose, Map.of())).containsExactly(
                new ImportRules.RelativeBind("a", "./up", false), new ImportRules.RelativeBind("a", "./conf", true),
                new ImportRules.RelativeBind("b", "./db", true));
        assertThat(ImportRules.relativeBinds(compose, Map.of("UPLOAD", "./library")).get(0).source())
                .isEqualTo("./library");
        assertThat(ImportRules.topFolder("./data/db")).isEqualTo("data");
        assertThat(ImportRules.topFolder(".")).isNull();
    }
}
