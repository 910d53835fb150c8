package io.truenasgitops.truenas;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 5929 {@code tls-server-end-point}: the server certificate hashed with the hash of its own signature
 * algorithm, MD5 and SHA-1 taken as SHA-256 (4.1). What SCRAM-PLUS binds a login to, so that a proxy that ends
 * TLS with a certificate of its own cannot relay the exchange. Algorithms without one hash (EdDSA) have no
 * binding (RFC 5929 says it is undefined).
 */
final class ChannelBinding {
    static final String TLS_SERVER_END_POINT = "tls-server-end-point";

    /** Signature algorithm OIDs and the hash they use (RSA PKCS#1 v1.5, ECDSA, DSA). */
    private static final Map<String, String> HASH_OF_SIGNATURE = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.4", "MD5"),
            Map.entry("1.2.840.113549.1.1.5", "SHA-1"),
            Map.entry("1.2.840.113549.1.1.14", "SHA-224"),
            Map.entry("1.2.840.113549.1.1.11", "SHA-256"),
            Map.entry("1.2.840.113549.1.1.12", "SHA-384"),
            Map.entry("1.2.840.113549.1.1.13", "SHA-512"),
            Map.entry("1.2.840.10045.4.1", "SHA-1"),
            Map.entry("1.2.840.10045.4.3.1", "SHA-224"),
            Map.entry("1.2.840.10045.4.3.2", "SHA-256"),
            Map.entry("1.2.840.10045.4.3.3", "SHA-384"),
            Map.entry("1.2.840.10045.4.3.4", "SHA-512"),
            Map.entry("1.2.840.10040.4.3", "SHA-1"),
            Map.entry("2.16.840.1.101.3.4.3.1", "SHA-224"),
            Map.entry("2.16.840.1.101.3.4.3.2", "SHA-256"));
    private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";

    private ChannelBinding() {}

    /** The {@code tls-server-end-point} binding of {@code certificate}; refuses an algorithm without one hash. */
    static byte[] tlsServerEndPoint(X509Certificate certificate) throws ScramClient.ScramException {
        String oid = certificate.getSigAlgOID();
        String hash = RSASSA_PSS.equals(oid) ? pssHash(certificate) : HASH_OF_SIGNATURE.get(oid);
        if (hash == null) {
            throw new ScramClient.ScramException("the NAS's certificate is signed with " + certificate.getSigAlgName()
                    + " (" + oid + "), for which tls-server-end-point channel binding is undefined (RFC 5929)");
        }
        if (hash.equals("MD5") || hash.equals("SHA-1")) {
            hash = "SHA-256";
        }
        try {
            return MessageDigest.getInstance(hash).digest(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new ScramClient.ScramException("cannot hash the NAS's certificate with " + hash + ": "
                    + e.getMessage());
        }
    }

    /** RSASSA-PSS names its hash in the parameters (SHA-1 when absent, RFC 4055). */
    private static String pssHash(X509Certificate certificate) throws ScramClient.ScramException {
        byte[] params = certificate.getSigAlgParams();
        if (params == null) {
            return "SHA-1";
        }
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
            p.init(params);
            String digest = p.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm();
            return digest.toUpperCase(Locale.ROOT).replace("SHA256", "SHA-256").replace("SHA384", "SHA-384")
                    .replace("SHA512", "SHA-512").replace("SHA224", "SHA-224").replace("SHA1", "SHA-1");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new ScramClient.ScramException("cannot read the RSASSA-PSS parameters of the NAS's certificate: "
                    + e.getMessage());
        }
    }
}
