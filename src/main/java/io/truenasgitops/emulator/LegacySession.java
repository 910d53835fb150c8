package io.truenasgitops.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;

/**
 * A legacy DDP-style connection ({@code /websocket}): 24.10's {@code Application} and 25.04's
 * {@code WebSocketApplication}, selected by the emulated release (only 24.10 answers {@code ping}).
 */
final class LegacySession extends Session {
    private volatile boolean handshake;

    LegacySession(Middleware mw, ServerWebSocket ws, HttpConnection connection, String remoteAddress, boolean secure,
            boolean tls) {
        super(mw, ws, connection, remoteAddress, secure, tls, null);
    }

    @Override
    String protocol() {
        return "legacy";
    }

    @Override
    void onText(String text) {
        if (Limits.tooBigForAnonymous(this, text)) {
            closeWith(Limits.INVALID_TEXT, Limits.ANONYMOUS_MESSAGE);
            return;
        }
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            closeWith(Limits.INVALID_TEXT, Limits.pythonJsonError(e));
            return;
        }
        if (message != null && message.isArray()) {
            closeWith(Limits.INVALID_TEXT, "Batch messages are not supported yet");
            return;
        }
        if (message == null || !message.isObject()) {
            closeWith(Limits.INVALID_TEXT, "Invalid Message Format");
            return;
        }
        if (Limits.tooBigForAuthenticated(text)) {
            closeWith(Limits.MESSAGE_TOO_BIG, Limits.AUTHENTICATED_MESSAGE);
            return;
        }
        if (!message.has("msg")) {
            // on_message does message["msg"]: the KeyError closes the socket with INTERNAL_ERROR.
            closeWith(1011, "'msg'");
            return;
        }
        String msg = message.get("msg").asText();
        JsonNode id = message.has("id") ? message.get("id") : NullNode.instance;
        if (msg.equals("connect")) {
            if (!"1".equals(message.path("version").asText(null)) || !message.path("version").isTextual()) {
                send(failed());
            } else {
                ObjectNode connected = Json.object();
                connected.put("msg", "connected");
                connected.put("session", this.id);
                send(connected);
                handshake = true;
            }
            return;
        }
        if (!handshake) {
            send(failed());
            return;
        }
        switch (msg) {
            case "method" -> {
                if (!message.has("method")) {
                    sendPlainError(id, Errno.EINVAL, "Message is malformed: 'method' is absent.");
                    return;
                }
                String method = message.get("method").asText();
                JsonNode params = message.get("params");
                if (params == null || params.isNull() || (params.isArray() && params.isEmpty())
                        || (params.isBoolean() && !params.asBoolean()) || (params.isTextual() && params.asText().isEmpty())) {
                    params = Json.array();
                }
                if (!params.isArray()) {
                    JsonNode requestId = id;
                    mw.workers().execute(() -> {
                        try {
                            mw.authorizeOnly(this, method);
                            sendPlainError(requestId, Errno.EINVAL, "`params` must be a list.");
                        } catch (MiddlewareError e) {
                            sendCallError(requestId, e, method);
                        }
                    });
                    return;
                }
                dispatch(id, method, (ArrayNode) params, true);
            }
            case "sub" -> {
                String name = message.path("name").asText("");
                if (!mw.canSubscribe(this)) {
                    sendPlainError(id, Errno.EACCES, "Not authorized");
                    return;
                }
                mw.subscribe(this, id.asText(), name);
                ObjectNode ready = Json.object();
                ready.put("msg", "ready");
                ready.putArray("subs").add(id);
                send(ready);
                mw.startPendingFollowers(this);
            }
            case "unsub" -> mw.unsubscribe(this, id.asText());
            case "ping" -> {
                if (mw.release() == Release.V24_10) {
                    ObjectNode pong = Json.object();
                    pong.put("msg", "pong");
                    if (message.has("id")) {
                        pong.set("id", id);
                    }
                    send(pong);
                }
                // 25.04+ has no ping branch: no answer at all.
            }
            default -> {
                // Unknown message types are ignored, like the middleware does.
            }
        }
    }

    private static ObjectNode failed() {
        ObjectNode failed = Json.object();
        failed.put("msg", "failed");
        failed.put("version", "1");
        return failed;
    }

    private ObjectNode legacyError(int errno, String type, String reason, MiddlewareError traceOf, JsonNode extra, String method) {
        ObjectNode base = errorObject(errno, reason, traceOf, extra, method);
        ObjectNode error = Json.object();
        error.set("error", base.get("error"));
        error.set("errname", base.get("errname"));
        if (type == null) {
            error.putNull("type");
        } else {
            error.put("type", type);
        }
        error.set("reason", base.get("reason"));
        error.set("trace", base.get("trace"));
        error.set("extra", base.get("extra"));
        return error;
    }

    private void sendPlainError(JsonNode id, int errno, String reason) {
        ObjectNode out = Json.object();
        out.put("msg", "result");
        out.set("id", id);
        out.set("error", legacyError(errno, null, reason, null, null, null));
        send(out);
    }

    @Override
    void sendResult(JsonNode requestId, JsonNode result) {
        ObjectNode out = Json.object();
        out.set("id", requestId);
        out.put("msg", "result");
        out.set("result", result);
        send(out);
    }

    @Override
    void sendCallError(JsonNode requestId, MiddlewareError e, String method) {
        ObjectNode error;
        if (e instanceof MiddlewareError.Validation v) {
            error = v.single
                    ? legacyError(v.errno(), "VALIDATION", v.str(), v, v.extra(), method)
                    : legacyError(Errno.EAGAIN, "VALIDATION", v.str(), v, v.extra(), method);
        } else if (e instanceof MiddlewareError.Call c) {
            error = legacyError(c.errno, null, c.str(), c, c.extra, method);
        } else {
            error = legacyError(Errno.EINVAL, null, e.str(), e, null, method);
        }
        ObjectNode out = Json.object();
        out.put("msg", "result");
        out.set("id", requestId);
        out.set("error", error);
        send(out);
    }

    @Override
    void sendTooManyCalls(JsonNode requestId) {
        sendPlainError(requestId, Errno.ETOOMANYREFS,
                "Maximum number of concurrent calls (" + HARD_CALL_LIMIT + ") has exceeded.");
    }

    @Override
    void sendEvent(String collection, String type, JsonNode id, JsonNode fields) {
        send(Limits.event(collection, type, id, fields));
    }

    @Override
    void notifyUnsubscribed(String collection, MiddlewareError error) {
        ObjectNode out = Json.object();
        out.put("msg", "nosub");
        out.put("collection", collection);
        if (error instanceof MiddlewareError.Validation v && !v.single) {
            out.set("error", legacyError(Errno.EAGAIN, "VALIDATION", v.str(), null, v.extra(), null));
        } else if (error instanceof MiddlewareError.Call c) {
            out.set("error", legacyError(c.errno, null, c.str(), null, c.extra, null));
        } else if (error != null) {
            out.set("error", legacyError(Errno.EINVAL, null, error.str(), null, null, null));
        }
        send(out);
    }
}
