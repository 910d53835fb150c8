package io.truenasgitops.notify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Objects;

/** A token, password or URL read from a file: shown as {@code ***} everywhere, also inside error messages. */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The value itself, for the request that needs it; never for a message. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }

    /** {@code text} with every secret (also URL-encoded) replaced by {@code ***}. */
    public static String mask(String text, Collection<Secret> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Secret s : secrets) {
            if (s != null && s.value.length() >= 4) {
                out = out.replace(s.value, "***").replace(URLEncoder.encode(s.value, StandardCharsets.UTF_8), "***");
            }
        }
        return out;
    }
}
