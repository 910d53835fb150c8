package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** RFC 5929 4.1 {@code tls-server-end-point}: the certificate's own signature hash, MD5/SHA-1 taken as SHA-256. */
class ChannelBindingTest {

    static X509Certificate certificate(String keyAlgorithm, int size, String signature) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
        if (size > 0) {
            generator.initialize(size);
        }
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=nas.local");
        Date now = new Date();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                now, new Date(now.getTime() + 86_400_000L), name, keys.getPublic())
                .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
    }

    @Test
    void anEcdsaSha256CertificateIsBoundWithSha256() throws Exception {
        X509Certificate cert = certificate("EC", 256, "SHA256withECDSA");

        assertThat(ChannelBinding.tlsServerEndPoint(cert))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }

    @Test
    void anRsaSha384CertificateIsBoundWithSha384AndSha1IsTakenAsSha256() throws Exception {
        X509Certificate sha384 = certificate("RSA", 2048, "SHA384withRSA");
        X509Certificate sha1 = certificate("RSA", 2048, "SHA1withRSA");

        assertThat(ChannelBinding.tlsServerEndPoint(sha384))
                .isEqualTo(MessageDigest.getInstance("SHA-384").digest(sha384.getEncoded()));
        assertThat(ChannelBinding.tlsServerEndPoint(sha1))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(sha1.getEncoded()));
    }

    @Test
    void anEd25519CertificateHasNoBinding() throws Exception {
        X509Certificate cert = certificate("Ed25519", 0, "Ed25519");

        assertThatThrownBy(() -> ChannelBinding.tlsServerEndPoint(cert)).hasMessageContaining("undefined (RFC 5929)");
    }
}
