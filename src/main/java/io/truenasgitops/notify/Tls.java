package io.truenasgitops.notify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS trust of a notification target or Git host: the JVM's CAs, or exactly the certificates of a configured PEM file. */
final class Tls {

    private Tls() {}

    /**
     * An SSL context trusting the certificates in {@code caFile}, or the JVM's default when null.
     *
     * @param who how the error names the caller: {@code notification target 'phone'}
     * @throws IllegalArgumentException naming the caller and file when it cannot be read or holds no certificate
     */
    static SSLContext context(String who, Path caFile) {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            try (InputStream in = Files.newInputStream(caFile)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
            }
            if (i == 0) {
                throw new IllegalArgumentException(who + ": the CA file " + caFile
                        + " holds no PEM certificate; put the server's CA (or its self-signed certificate) in it");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(who + ": cannot read the CA file "
                    + caFile + ": " + e.getMessage() + "; fix the path or the PEM", e);
        }
    }
}
