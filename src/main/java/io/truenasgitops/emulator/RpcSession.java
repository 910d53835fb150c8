package io.truenasgitops.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import java.util.Iterator;
import java.util.Set;

/** A JSON-RPC 2.0 connection ({@code /api/current}, {@code /api/vXX.YY.Z}): 25.04's {@code RpcWebSocketApp}. */
final class RpcSession extends Session {
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int TOO_MANY_CONCURRENT_CALLS = -32000;
    static final int CALL_ERROR = -32001;
    private static final Set<String> REQUEST_KEYS = Set.of("jsonrpc", "method", "params", "id");

    RpcSession(Middleware mw, ServerWebSocket ws, HttpConnection connection, String remoteAddress, boolean secure,
            boolean tls, String apiVersion) {
        super(mw, ws, connection, remoteAddress, secure, tls, apiVersion);
    }

    @Override
    String protocol() {
        return "jsonrpc";
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
            sendError(NullNode.instance, PARSE_ERROR, Limits.pythonJsonError(e), null);
            return;
        }
        if (message == null || message.isMissingNode()) {
            sendError(NullNode.instance, PARSE_ERROR, "Expecting value: line 1 column 1 (char 0)", null);
            return;
        }
        if (message.isArray()) {
            sendError(NullNode.instance, PARSE_ERROR, "Batch messages are not supported yet", null);
            return;
        }
        if (!message.isObject()) {
            sendError(NullNode.instance, PARSE_ERROR, "Invalid Message Format", null);
            return;
        }
        if (Limits.tooBigForAuthenticated(text)) {
            closeWith(Limits.MESSAGE_TOO_BIG, Limits.AUTHENTICATED_MESSAGE);
            return;
        }
        boolean hasId = message.has("id");
        String invalid = schemaProblem((ObjectNode) message);
        if (invalid != null) {
            // 25.04 answers an invalid request only when it carries an id (a notification never gets an answer).
            if (hasId) {
                sendError(NullNode.instance, INVALID_REQUEST, invalid, null);
            }
            return;
        }
        JsonNode id = hasId ? message.get("id") : NullNode.instance;
        String method = message.get("method").asText();
        ArrayNode params = message.has("params") ? (ArrayNode) message.get("params") : Json.array();
        if (!mw.hasMethod(method)) {
            mw.callLog().record(method, protocol());
            if (hasId) {
                sendError(id, METHOD_NOT_FOUND, "Method does not exist", null);
            }
            return;
        }
        dispatch(id, method, params, hasId);
    }

    /** The message jsonschema would give for the request schema of rpc.py, or null when the request is valid. */
    private static String schemaProblem(ObjectNode message) {
        for (Iterator<String> it = message.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!REQUEST_KEYS.contains(key)) {
                return "Additional properties are not allowed (" + Py.repr(key) + " was unexpected)";
            }
        }
        if (!message.has("jsonrpc")) {
            return "'jsonrpc' is a required property";
        }
        if (!message.has("method")) {
            return "'method' is a required property";
        }
        JsonNode jsonrpc = message.get("jsonrpc");
        if (!jsonrpc.isTextual() || !jsonrpc.asText().equals("2.0")) {
            return Py.repr(jsonrpc) + " is not one of ['2.0']";
        }
        if (!message.get("method").isTextual()) {
            return Py.repr(message.get("method")) + " is not of type 'string'";
        }
        if (message.has("params") && !message.get("params").isArray()) {
            return Py.repr(message.get("params")) + " is not of type 'array'";
        }
        JsonNode id = message.get("id");
        if (id != null && !(id.isNull() || id.isNumber() || id.isTextual())) {
            return Py.repr(id) + " is not of type 'null', 'number', 'string'";
        }
        return null;
    }

    private void sendError(JsonNode id, int code, String message, JsonNode data) {
        ObjectNode out = Json.object();
        out.put("jsonrpc", "2.0");
        ObjectNode error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.set("data", data);
        }
        out.set("id", id);
        send(out);
    }

    @Override
    void sendResult(JsonNode requestId, JsonNode result) {
        ObjectNode out = Json.object();
        out.put("jsonrpc", "2.0");
        out.set("result", result);
        out.set("id", requestId);
        send(out);
    }

    @Override
    void sendCallError(JsonNode requestId, MiddlewareError e, String method) {
        if (e instanceof MiddlewareError.Validation v) {
            sendError(requestId, INVALID_PARAMS, "Invalid params",
                    errorObject(Errno.EINVAL, v.str(), v, v.extra(), method));
        } else if (e instanceof MiddlewareError.Call c) {
            sendError(requestId, CALL_ERROR, "Method call error", errorObject(c.errno, c.str(), c, c.extra, method));
        } else {
            sendError(requestId, CALL_ERROR, "Method call error", errorObject(Errno.EINVAL, e.str(), e, null, method));
        }
    }

    @Override
    void sendTooManyCalls(JsonNode requestId) {
        sendError(requestId, TOO_MANY_CONCURRENT_CALLS,
                "Maximum number of concurrent calls (" + HARD_CALL_LIMIT + ") has exceeded", null);
    }

    @Override
    void sendEvent(String collection, String type, JsonNode id, JsonNode fields) {
        ObjectNode out = Json.object();
        out.put("jsonrpc", "2.0");
        out.put("method", "collection_update");
        out.set("params", Limits.event(collection, type, id, fields));
        send(out);
    }

    @Override
    void notifyUnsubscribed(String collection, MiddlewareError error) {
        ObjectNode out = Json.object();
        out.put("jsonrpc", "2.0");
        out.put("method", "notify_unsubscribed");
        ObjectNode params = out.putObject("params");
        params.put("collection", collection);
        if (error == null) {
            params.putNull("error");
        } else if (error instanceof MiddlewareError.Validation v && !v.single) {
            params.set("error", errorObject(Errno.EINVAL, v.str(), null, v.extra(), null));
        } else if (error instanceof MiddlewareError.Call c) {
            params.set("error", errorObject(c.errno, c.str(), null, c.extra, null));
        } else {
            params.set("error", errorObject(Errno.EINVAL, error.str(), null, null, null));
        }
        send(out);
    }
}
