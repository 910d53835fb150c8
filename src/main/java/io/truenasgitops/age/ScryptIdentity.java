package io.truenasgitops.age;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A passphrase, for files age encrypted with {@code -p} (scrypt stanzas). */
public final class ScryptIdentity implements Identity {

    /** The largest work factor (log2 N) accepted, as the age reference implementation does by default. */
    public static final int MAX_LOG_N = 22;
    static final String SALT_LABEL = "age-encryption.org/v1/scrypt";
    private static final Pattern DECIMAL = Pattern.compile("[1-9][0-9]*");

    private final byte[] passphrase;

    public ScryptIdentity(String passphrase) {
        this.passphrase = passphrase.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ScryptIdentity[***]";
    }

    @Override
    public Optional<byte[]> unwrap(List<Stanza> stanzas) throws AgeException {
        for (Stanza s : stanzas) {
            if (!"scrypt".equals(s.type())) {
                continue;
            }
            if (s.args().size() != 2) {
                throw new AgeException(AgeException.Kind.HEADER, "an scrypt stanza must have exactly two arguments");
            }
            byte[] salt = AgeBase64.decode(s.args().get(0), 16).orElseThrow(() -> new AgeException(
                    AgeException.Kind.HEADER, "an scrypt stanza's salt is not a canonical base64 16-byte value"));
            String logN = s.args().get(1);
            if (!DECIMAL.matcher(logN).matches() || logN.length() > 2 || Integer.parseInt(logN) > MAX_LOG_N) {
                throw new AgeException(AgeException.Kind.HEADER, "an scrypt stanza's work factor is not a decimal"
                        + " number from 1 to " + MAX_LOG_N);
            }
            byte[] body = s.body();
            if (body.length != FILE_KEY_BYTES + 16) {
                throw new AgeException(AgeException.Kind.HEADER, "an scrypt stanza's body is not 32 bytes");
            }
            byte[] key = Primitives.scrypt(passphrase,
                    Primitives.concat(SALT_LABEL.getBytes(StandardCharsets.US_ASCII), salt), Integer.parseInt(logN));
            Optional<byte[]> fileKey = Primitives.open(key, new byte[12], body);
            AgeBase64.wipe(key);
            if (fileKey.isPresent()) {
                return fileKey;
            }
        }
        return Optional.empty();
    }
}
