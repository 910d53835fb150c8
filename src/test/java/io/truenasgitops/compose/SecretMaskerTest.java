package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {

    private final SecretMasker masker = SecretMasker.of(List.of("s3cr3t", "pa\"ss", "", "dollar$x"));

    @Test
    void secretsAreMaskedInsideLongerStrings() {
        assertThat(masker.mask("postgres://u:s3cr3t@db/x")).isEqualTo("postgres://u:***@db/x");
        assertThat(masker.mask("no secret here")).isEqualTo("no secret here");
        assertThat(masker.mask(null)).isNull();
    }

    @Test
    void escapedSpellingsAreMaskedToo() {
        assertThat(masker.mask("{\"pw\":\"pa\\\"ss\"}")).isEqualTo("{\"pw\":\"***\"}");
        assertThat(masker.mask("X=dollar$$x")).isEqualTo("X=***");
    }

    @Test
    void treesAreMaskedInValuesKeysAndNumbers() {
        SecretMasker m = SecretMasker.of(List.of("s3cr3t", "5432"));
        Object masked = m.maskTree(Map.of("env", Map.of("URL", "x:s3cr3t@y", "s3cr3t-key", "v"), "port", 5432L,
                "list", List.of("s3cr3t")));
        assertThat(masked).isEqualTo(Map.of("env", Map.of("URL", "x:***@y", "***-key", "v"), "port", "***",
                "list", List.of("***")));
    }

    @Test
    void emptySecretsMaskNothing() {
        assertThat(SecretMasker.of(List.of("", ""))).isSameAs(SecretMasker.NONE);
    }

    @Test
    void aSecretContainingAnotherIsMaskedWhole() {
        SecretMasker m = SecretMasker.of(List.of("abc", "abcdef"));
        assertThat(m.mask("xabcdefx")).isEqualTo("x***x");
    }
}
