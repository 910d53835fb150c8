package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The SCRAM client against vectors it did not compute itself: RFC 7677's SCRAM-SHA-256 example (section 3), the
 * same exchange with SHA-512, and a TrueNAS-style exchange (name {@code user:keyid}, nonces base64 of random
 * bytes, channel binding); the SHA-512 vectors were computed with Python's hashlib and hmac, whose script also
 * reproduces the RFC's SHA-256 values.
 */
class ScramClientTest {
    static final String RFC_SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    @Test
    void theRfc7677ExampleGivesTheRfcsProofAndAcceptsTheRfcsServerSignature() throws Exception {
        ScramClient scram = new ScramClient(ScramClient.Hash.SHA256, "user", "rOprNGfwEbeRWgbNEkqO", null, null);

        assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assertThat(scram.clientFinal(RFC_SERVER_FIRST, "pencil", null, 4096, 4096)).isEqualTo(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void theSameExchangeWithSha512MatchesAnIndependentComputation() throws Exception {
        ScramClient scram = new ScramClient(ScramClient.Hash.SHA512, "user", "rOprNGfwEbeRWgbNEkqO", null, null);

        assertThat(scram.clientFinal(RFC_SERVER_FIRST, "pencil", null, 4096, 4096)).isEqualTo(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=gMGXRcevScNtxZ6/8lQYpGtnsNAc3mGcmNomv+xnoOMw"
                        + "+3R2xNJdMNnzMlTN8PPC6wdp6dybEmDYXYTxwnYPJQ==");
        scram.verifyServerFinal("v=ZQnYEgWQMFmmsM8aQMF0nDDCy/AgCzkwk8CmMZYcMg0vSVlKDanekLtifDSeVGT4+5ZxXnJq199RVG2rR7N7Zw==");
    }

    static final String TN_CLIENT_NONCE = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final String TN_SERVER_FIRST = "r=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9kZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8"
            + "fX5/gIGCgw==,s=YWJjZGVmZ2hpamtsbW4uLw==,i=50000";
    static final byte[] TN_BINDING = Base64.getDecoder().decode("1hgiVeVznVX8l4F1nHqCPU3/PSt9F5SecIXufAzCKs8=");
    static final String TN_MATERIAL = "uz8DhKHFhRIUQIvjzabPYtpy5wf1DJ3ZBLlDgNVhRAFT7Y6pJGUlm0n3apwxWEU4";

    @Test
    void aTrueNasStyleChannelBoundExchangeMatchesAnIndependentComputation() throws Exception {
        ScramClient scram = new ScramClient(ScramClient.Hash.SHA512, "truenas_admin:7", TN_CLIENT_NONCE,
                "tls-server-end-point", TN_BINDING);

        assertThat(scram.clientFirst()).isEqualTo("p=tls-server-end-point,,n=truenas_admin:7,r=" + TN_CLIENT_NONCE);
        assertThat(scram.clientFinal(TN_SERVER_FIRST, TN_MATERIAL, null, 50_000, 5_000_000)).isEqualTo(
                "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCws1hgiVeVznVX8l4F1nHqCPU3/PSt9F5SecIXufAzCKs8=,r=AAECAwQFBgcICQoLDA0ODxARE"
                        + "hMUFRYXGBkaGxwdHh9kZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCgw==,p=fnQpEI4fxg776kDjDMDEb9T0erYdp6Z1Np7"
                        + "+u3LnvAR/Unf6ySm9rqUBGpoILz/FpCtxFn+q3VG/kQJ5JAO1UQ==");
        scram.verifyServerFinal("v=6Lj94vyZkqEVPc0Fj1Dl5V/sVUiMiVbKreDSvYxX3PtQQD+YNuvMPInxUaj3GL8dnohj+qu7iARSsgbwK/1/VQ==");
    }

    @Test
    void derivedKeysAreReusedForTheSameSaltAndGiveTheSameProof() throws Exception {
        ScramClient first = new ScramClient(ScramClient.Hash.SHA512, "truenas_admin:7", TN_CLIENT_NONCE,
                "tls-server-end-point", TN_BINDING);
        String proof = first.clientFinal(TN_SERVER_FIRST, TN_MATERIAL, null, 50_000, 5_000_000);
        ScramClient second = new ScramClient(ScramClient.Hash.SHA512, "truenas_admin:7", TN_CLIENT_NONCE,
                "tls-server-end-point", TN_BINDING);

        assertThat(second.clientFinal(TN_SERVER_FIRST, "not the key: the cached keys are used", first.derivedKeys(),
                50_000, 5_000_000)).isEqualTo(proof);
    }

    @Test
    void aWrongServerSignatureIsRefused() throws Exception {
        ScramClient scram = new ScramClient(ScramClient.Hash.SHA256, "user", "rOprNGfwEbeRWgbNEkqO", null, null);
        scram.clientFinal(RFC_SERVER_FIRST, "pencil", null, 4096, 4096);

        assertThatThrownBy(() -> scram.verifyServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
                .hasMessageContaining("the server's signature is wrong");
        assertThatThrownBy(() -> scram.verifyServerFinal("e=invalid-proof")).hasMessageContaining("invalid-proof");
    }

    @Test
    void aServerNonceThatDoesNotExtendTheClientsOrAWeakIterationCountIsRefused() throws Exception {
        ScramClient scram = new ScramClient(ScramClient.Hash.SHA512, "u:1", "abc", null, null);

        assertThatThrownBy(() -> scram.clientFinal("r=xyz123,s=c2FsdA==,i=50000", "k", null, 50_000, 5_000_000))
                .hasMessageContaining("does not start with the client's");
        assertThatThrownBy(() -> scram.clientFinal("r=abc123,s=c2FsdA==,i=4096", "k", null, 50_000, 5_000_000))
                .hasMessageContaining("4096 iterations, outside 50000–5000000");
        assertThatThrownBy(() -> new ScramClient(ScramClient.Hash.SHA512, "a,b:1", "abc", null, null))
                .hasMessageContaining("cannot be sent in a SCRAM message");
    }
}
