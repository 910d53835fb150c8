package io.truenasgitops.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgeTest {

    @Test
    void theSpecificationsExampleIdentityHasTheSpecificationsRecipient() {
        X25519Identity id = X25519Identity.parse(
                "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
        assertThat(id.recipient().encode())
                .isEqualTo("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
        assertThat(id.encode()).isEqualTo("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
        assertThat(id.toString()).doesNotContain("AGE-SECRET-KEY");
    }

    @Test
    void aFileEncryptedForTwoRecipientsOpensWithEitherAndSpansSeveralChunks() throws Exception {
        X25519Identity a = X25519Identity.generate();
        X25519Identity b = X25519Identity.generate();
        byte[] plain = "0123456789abcdef".repeat(9000).getBytes(StandardCharsets.US_ASCII); // > 2 chunks
        byte[] file = Age.encrypt(plain, List.of(a.recipient(), b.recipient()));
        assertThat(Age.decrypt(file, List.of(a))).isEqualTo(plain);
        assertThat(Age.decrypt(AgeArmor.encode(file).getBytes(StandardCharsets.US_ASCII), List.of(b))).isEqualTo(plain);
        assertThatThrownBy(() -> Age.decrypt(file, List.of(X25519Identity.generate())))
                .isInstanceOfSatisfying(AgeException.class, e -> assertThat(e.kind()).isEqualTo(AgeException.Kind.NO_MATCH));
        byte[] cut = java.util.Arrays.copyOf(file, file.length - 100);
        assertThatThrownBy(() -> Age.decrypt(cut, List.of(a)))
                .isInstanceOfSatisfying(AgeException.class, e -> assertThat(e.kind()).isEqualTo(AgeException.Kind.PAYLOAD));
    }

    @Test
    void anEmptyPlaintextRoundTrips() throws Exception {
        X25519Identity a = X25519Identity.generate();
        assertThat(Age.decrypt(Age.encrypt(new byte[0], List.of(a.recipient())), List.of(a))).isEmpty();
    }

    @Test
    void keyFilesAsAgeKeygenWritesThemAreReadAndBadLinesNamedByNumberOnly() {
        X25519Identity a = X25519Identity.generate();
        String file = "# created: 2026-12-02T03:04:05Z\n# public key: " + a.recipient() + "\n" + a.encode() + "\n\n";
        AgeKeyFile.Result ok = AgeKeyFile.parse(file);
        assertThat(ok).isInstanceOfSatisfying(AgeKeyFile.Keys.class,
                k -> assertThat(k.identities()).extracting(X25519Identity::recipient).containsExactly(a.recipient()));
        char c = a.encode().charAt(40);
        String typo = a.encode().substring(0, 40) + (c == 'Q' ? 'P' : 'Q') + a.encode().substring(41);
        assertThat(AgeKeyFile.parse("# c\n" + typo + "\n")).isInstanceOfSatisfying(AgeKeyFile.Invalid.class,
                i -> assertThat(i.reason()).startsWith("line 2 is not an age secret key").doesNotContain(typo)
                        .doesNotContain(typo.substring(15)));
        assertThat(AgeKeyFile.parse("# only comments\n")).isInstanceOf(AgeKeyFile.Invalid.class);
        assertThat(AgeKeyFile.parse("AGE-SECRET-KEY-PQ-1ABC\n")).isInstanceOfSatisfying(AgeKeyFile.Invalid.class,
                i -> assertThat(i.reason()).contains("post-quantum"));
    }

    @Test
    void recipientsThatAreNotAge1KeysAreRefused() {
        assertThatThrownBy(() -> X25519Recipient.parse("age1notakey")).isInstanceOf(IllegalArgumentException.class);
        X25519Identity a = X25519Identity.generate();
        assertThatThrownBy(() -> X25519Recipient.parse(a.encode())).isInstanceOf(IllegalArgumentException.class);
        assertThat(X25519Recipient.parse(a.recipient().encode().toUpperCase())).isEqualTo(a.recipient());
    }
}
