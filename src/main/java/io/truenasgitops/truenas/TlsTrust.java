package io.truenasgitops.truenas;

import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * How the client trusts the NAS's certificate: default verification, a CA file, a pinned SHA-256 fingerprint, or
 * (explicitly) nothing. Remembers the fingerprint of the last certificate seen, so a failure can show it.
 */
final class TlsTrust {
    private static final Logger LOG = Logger.getLogger(TlsTrust.class);

    private final ConnectionSettings settings;
    private final String pinned;
    private volatile String lastSeen;
    private volatile String mismatch;

    TlsTrust(ConnectionSettings settings) {
        this.settings = settings;
        if (settings.insecure() && settings.tlsFingerprint() != null) {
            throw new InvalidSettingsException("both --insecure and a TLS fingerprint are given: --insecure would"
                    + " ignore the pinned certificate; keep only the fingerprint (safe), or only --insecure");
        }
        this.pinned = settings.tlsFingerprint() == null ? null : normalize(settings.tlsFingerprint());
        if (settings.caFile() != null && !Files.isReadable(settings.caFile())) {
            throw new InvalidSettingsException("cannot read the CA file " + settings.caFile()
                    + ": give a readable PEM file with the NAS's CA (or self-signed) certificate");
        }
    }

    /** Applies the trust settings to WebSocket/HTTP client options. */
    void apply(ClientOptionsBase options) {
        options.setSsl(true);
        if (settings.insecure()) {
            LOG.warn("TLS certificate verification is OFF (--insecure): anyone on the network path can read the"
                    + " API key; pin the certificate with --tls-fingerprint instead");
            options.setTrustAll(true);
            setVerifyHost(options, false);
            return;
        }
        if (pinned != null) {
            // The pinned leaf certificate is the whole trust decision: a NAS's self-signed certificate rarely
            // names the host it is reached by, so the host name is not checked.
            options.setTrustOptions(TrustOptions.wrap(new Pinning()));
            setVerifyHost(options, false);
            return;
        }
        options.setTrustOptions(TrustOptions.wrap(new Recording(delegate())));
        setVerifyHost(options, true);
    }

    private static void setVerifyHost(ClientOptionsBase options, boolean verify) {
        if (options instanceof io.vertx.core.http.WebSocketClientOptions ws) {
            ws.setVerifyHost(verify);
        } else if (options instanceof io.vertx.core.http.HttpClientOptions http) {
            http.setVerifyHost(verify);
        }
    }

    private X509ExtendedTrustManager delegate() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (settings.caFile() == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                Collection<? extends Certificate> certs;
                try (InputStream in = Files.newInputStream(settings.caFile())) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (certs.isEmpty()) {
                    throw new InvalidSettingsException("the CA file " + settings.caFile()
                            + " holds no PEM certificate");
                }
                int i = 0;
                for (Certificate c : certs) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(store);
            }
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X509 trust manager available");
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new InvalidSettingsException("cannot load the CA file " + settings.caFile() + ": " + e.getMessage()
                    + "; give a PEM file with the NAS's CA certificate");
        }
    }

    /** The SHA-256 fingerprint of the last server certificate seen, {@code AB:CD:...}, or null. */
    String lastSeen() {
        return lastSeen;
    }

    /** The expected-vs-actual text of a pin mismatch, or null when the pin was not violated. */
    String mismatch() {
        return mismatch;
    }

    String pinned() {
        return pinned;
    }

    /** Upper-case hex with colons; accepts {@code sha256:}/{@code SHA256=} prefixes, colons, spaces or none. */
    static String normalize(String fingerprint) {
        String hex = fingerprint.strip();
        String lower = hex.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"sha256:", "sha256=", "sha-256:", "sha256 fingerprint="}) {
            if (lower.startsWith(prefix)) {
                hex = hex.substring(prefix.length());
                break;
            }
        }
        hex = hex.replaceAll("[:\\s-]", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new InvalidSettingsException("invalid TLS fingerprint '" + fingerprint
                    + "': expected the 64 hex digits of a SHA-256 fingerprint (colons allowed), as shown by"
                    + " 'openssl x509 -noout -fingerprint -sha256'");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 64; i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }

    static String fingerprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return normalize(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    private void see(X509Certificate[] chain) {
        if (chain != null && chain.length > 0) {
            lastSeen = fingerprint(chain[0]);
        }
    }

    /** Accepts exactly the pinned leaf certificate. */
    private final class Pinning extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain) throws CertificateException {
            see(chain);
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String actual = fingerprint(chain[0]);
            if (!actual.equals(pinned)) {
                mismatch = "expected SHA-256 " + pinned + ", got " + actual;
                throw new CertificateException("certificate fingerprint mismatch: " + mismatch);
            }
            chain[0].checkValidity();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not trusted here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client certificates are not trusted here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client certificates are not trusted here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Delegates to the JDK's verification (default store or the CA file) and remembers what it saw. */
    private final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        Recording(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            see(chain);
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            see(chain);
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            see(chain);
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
