package io.truenasgitops.age;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * The age payload: a 16-byte nonce, then the plaintext in 64 KiB chunks, each sealed with ChaCha20-Poly1305
 * under HKDF(file key, nonce, "payload") and a nonce of an 11-byte big-endian counter and a last-chunk flag.
 */
final class AgeStream {

    private AgeStream() {}

    static final int NONCE_BYTES = 16;
    static final int CHUNK = 64 * 1024;
    private static final int TAG = 16;

    /**
     * Decrypts the payload, handing each chunk to {@code out} once it is authenticated.
     *
     * @param file the whole file; the payload starts at {@code offset} with its nonce
     * @throws AgeException {@link AgeException.Kind#PAYLOAD} when a chunk does not authenticate, the final chunk
     *     is missing or empty, or data follows it
     */
    static void decrypt(byte[] fileKey, byte[] file, int offset, Consumer<byte[]> out) throws AgeException {
        byte[] nonce = java.util.Arrays.copyOfRange(file, offset, offset + NONCE_BYTES);
        byte[] key = Primitives.hkdf(fileKey, nonce, "payload");
        try {
            int pos = offset + NONCE_BYTES;
            long counter = 0;
            if (pos == file.length) {
                throw payload("the payload has no chunk (the file is cut short)");
            }
            while (pos < file.length) {
                int len = Math.min(file.length - pos, CHUNK + TAG);
                boolean last = pos + len == file.length;
                if (len < TAG) {
                    throw payload("a payload chunk is shorter than its authentication tag (the file is cut short)");
                }
                var plain = Primitives.open(key, chunkNonce(counter, last), file, pos, len);
                if (plain.isEmpty() && last && len == CHUNK + TAG) {
                    var notFinal = Primitives.open(key, chunkNonce(counter, false), file, pos, len);
                    if (notFinal.isPresent()) {
                        // An authentic inner chunk is released; the end of the payload is missing after it.
                        out.accept(notFinal.get());
                        throw payload("the payload ends without its final chunk (the file is cut short)");
                    }
                }
                if (plain.isEmpty() && !last) {
                    var asFinal = Primitives.open(key, chunkNonce(counter, true), file, pos, len);
                    if (asFinal.isPresent()) {
                        // The final chunk is authentic and is released; what follows it is not.
                        out.accept(asFinal.get());
                        throw payload("data follows the payload's final chunk");
                    }
                }
                byte[] chunk = plain.orElseThrow(() -> payload(
                        "a payload chunk does not authenticate: the file was changed or cut"));
                if (last && chunk.length == 0 && counter > 0) {
                    throw payload("the payload's final chunk is empty");
                }
                out.accept(chunk);
                pos += len;
                counter++;
            }
        } finally {
            AgeBase64.wipe(key);
        }
    }

    static byte[] encrypt(byte[] fileKey, byte[] plaintext) {
        byte[] nonce = Primitives.random(NONCE_BYTES);
        byte[] key = Primitives.hkdf(fileKey, nonce, "payload");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(nonce);
        int pos = 0;
        long counter = 0;
        do {
            int len = Math.min(CHUNK, plaintext.length - pos);
            boolean last = pos + len == plaintext.length;
            byte[] chunk = java.util.Arrays.copyOfRange(plaintext, pos, pos + len);
            out.writeBytes(Primitives.seal(key, chunkNonce(counter, last), chunk));
            pos += len;
            counter++;
        } while (pos < plaintext.length);
        AgeBase64.wipe(key);
        return out.toByteArray();
    }

    private static byte[] chunkNonce(long counter, boolean last) {
        byte[] n = new byte[12];
        for (int i = 0; i < 8; i++) {
            n[10 - i] = (byte) (counter >>> (8 * i));
        }
        n[11] = (byte) (last ? 1 : 0);
        return n;
    }

    private static AgeException payload(String message) {
        return new AgeException(AgeException.Kind.PAYLOAD, message);
    }
}
