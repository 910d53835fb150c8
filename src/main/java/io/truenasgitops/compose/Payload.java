package io.truenasgitops.compose;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size of the message that carries a compose to TrueNAS. An authenticated middleware connection closes on
 * any message over 64 KiB ({@code MESSAGE_TOO_BIG}), so the whole JSON-RPC call, envelope included, must fit.
 */
public final class Payload {

    private Payload() {}

    /** TrueNAS's per-message limit for authenticated connections. */
    public static final int FRAME_LIMIT = 64 * 1024;
    /** Room kept for the envelope's variable parts (call id, a longer source URL or revision). */
    public static final int MARGIN = 1024;
    /** The most a rendered {@code app.update} call may take. */
    public static final int MAX_BYTES = FRAME_LIMIT - MARGIN;

    /** The {@code app.update} call as it would go over the wire. */
    public static Map<String, Object> envelope(String appName, Map<String, Object> stampedCompose) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("custom_compose_config", stampedCompose);
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("jsonrpc", "2.0");
        call.put("id", "00000000-0000-0000-0000-000000000000");
        call.put("method", "app.update");
        call.put("params", List.of(appName, args));
        return call;
    }

    /** UTF-8 bytes of {@link #envelope} as compact JSON. */
    public static int bytes(String appName, Map<String, Object> stampedCompose) {
        return ContentHash.canonicalJson(envelope(appName, stampedCompose)).getBytes(StandardCharsets.UTF_8).length;
    }
}
