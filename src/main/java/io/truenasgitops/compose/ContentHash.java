package io.truenasgitops.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content hash of a compose: hex SHA-256 of its canonical JSON (keys sorted, no white space), with the
 * {@value Stamp#KEY} stamp left out. Pass a normalised compose ({@link ComposeNormalizer#normalize}) so that
 * equivalent spellings hash the same; a commit that changes nothing in the rendered compose keeps the hash.
 */
public final class ContentHash {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ContentHash() {}

    /** The hash of a normalised compose; the stamp key is ignored. */
    public static String of(Map<String, Object> normalizedCompose) {
        Map<String, Object> copy = new TreeMap<>(normalizedCompose);
        copy.remove(Stamp.KEY);
        return sha256(canonicalJson(copy));
    }

    /** Compact JSON with map keys sorted at every level. */
    public static String canonicalJson(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("compose tree cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
