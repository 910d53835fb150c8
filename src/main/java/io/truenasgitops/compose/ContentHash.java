package io.truenasgitops.compose;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public final class ContentHash {
    private ContentHash() {}

    public static String of(Map<String, Object> compose) {
        Map<String, Object> n = ComposeNormalizer.normalize(Stamps.strip(compose));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(n.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
