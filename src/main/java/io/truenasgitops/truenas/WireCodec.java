package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Encodes requests and decodes server messages of one of the two middleware protocols. */
abstract class WireCodec {

    /** What a server message means to the client. */
    sealed interface Incoming {
        record Response(String id, JsonNode result) implements Incoming {}

        record Failure(String id, JsonNode error) implements Incoming {}

        record Event(MiddlewareEvent event) implements Incoming {}

        record Unsubscribed(String collection, JsonNode error) implements Incoming {}

        record Ready(List<String> subscriptionIds) implements Incoming {}

        record Connected() implements Incoming {}

        record HandshakeFailed() implements Incoming {}

        record Ignored(String why) implements Incoming {}
    }

    static WireCodec of(Protocol protocol) {
        return protocol == Protocol.LEGACY ? new Legacy() : new JsonRpc();
    }

    abstract Protocol protocol();

    abstract String encodeCall(String id, String method, ArrayNode params);

    abstract Incoming decode(JsonNode message);

    /** The typed error of a failed call. */
    abstract TrueNasException error(String context, JsonNode error);

    Incoming decode(String text) {
        try {
            return decode(Json.MAPPER.readTree(text));
        } catch (Exception e) {
            return new Incoming.Ignored("not JSON: " + e.getMessage());
        }
    }

    /** JSON-RPC 2.0 at {@code /api/...} (25.04+). */
    static final class JsonRpc extends WireCodec {
        @Override
        Protocol protocol() {
            return Protocol.JSONRPC;
        }

        @Override
        String encodeCall(String id, String method, ArrayNode params) {
            ObjectNode msg = Json.MAPPER.createObjectNode();
            msg.put("jsonrpc", "2.0");
            msg.put("id", Long.parseLong(id));
            msg.put("method", method);
            msg.set("params", params);
            return Json.write(msg);
        }

        @Override
        Incoming decode(JsonNode msg) {
            if (msg.has("method")) {
                JsonNode params = msg.path("params");
                String method = msg.get("method").asText();
                if (method.equals("collection_update")) {
                    return new Incoming.Event(new MiddlewareEvent(params.path("collection").asText(),
                            params.path("msg").asText(), params.get("id"), params.get("fields")));
                }
                if (method.equals("notify_unsubscribed")) {
                    JsonNode error = params.get("error");
                    return new Incoming.Unsubscribed(params.path("collection").asText(),
                            error == null || error.isNull() ? null : error);
                }
                return new Incoming.Ignored("unknown notification " + method);
            }
            JsonNode id = msg.get("id");
            if (id == null || id.isNull()) {
                return new Incoming.Ignored("response without id: " + msg);
            }
            if (msg.has("error")) {
                return new Incoming.Failure(id.asText(), msg.get("error"));
            }
            return new Incoming.Response(id.asText(), msg.get("result"));
        }

        @Override
        TrueNasException error(String context, JsonNode error) {
            return ErrorMapper.fromJsonRpc(context, error);
        }
    }

    /** The DDP-style protocol at {@code /websocket} (24.10, still served by later releases). */
    static final class Legacy extends WireCodec {
        @Override
        Protocol protocol() {
            return Protocol.LEGACY;
        }

        String handshake() {
            return "{\"msg\":\"connect\",\"version\":\"1\",\"support\":[\"1\"],\"features\":[]}";
        }

        String sub(String id, String name) {
            ObjectNode msg = Json.MAPPER.createObjectNode();
            msg.put("msg", "sub");
            msg.put("id", id);
            msg.put("name", name);
            return Json.write(msg);
        }

        String unsub(String id) {
            ObjectNode msg = Json.MAPPER.createObjectNode();
            msg.put("msg", "unsub");
            msg.put("id", id);
            return Json.write(msg);
        }

        @Override
        String encodeCall(String id, String method, ArrayNode params) {
            ObjectNode msg = Json.MAPPER.createObjectNode();
            msg.put("msg", "method");
            msg.put("id", id);
            msg.put("method", method);
            msg.set("params", params);
            return Json.write(msg);
        }

        @Override
        Incoming decode(JsonNode msg) {
            String kind = msg.path("msg").asText("");
            switch (kind) {
                case "connected":
                    return new Incoming.Connected();
                case "failed":
                    return new Incoming.HandshakeFailed();
                case "result": {
                    String id = msg.path("id").asText();
                    JsonNode error = msg.get("error");
                    if (error != null && !error.isNull()) {
                        return new Incoming.Failure(id, error);
                    }
                    return new Incoming.Response(id, msg.get("result"));
                }
                case "added", "changed", "removed":
                    return new Incoming.Event(new MiddlewareEvent(msg.path("collection").asText(), kind,
                            msg.get("id"), msg.get("fields")));
                case "nosub": {
                    JsonNode error = msg.get("error");
                    return new Incoming.Unsubscribed(msg.path("collection").asText(),
                            error == null || error.isNull() ? null : error);
                }
                case "ready": {
                    List<String> ids = new ArrayList<>();
                    msg.path("subs").forEach(s -> ids.add(s.asText()));
                    return new Incoming.Ready(ids);
                }
                case "pong":
                    return new Incoming.Ignored("pong");
                default:
                    return new Incoming.Ignored("unknown message " + kind);
            }
        }

        @Override
        TrueNasException error(String context, JsonNode error) {
            return ErrorMapper.fromTrueNasError(context, error, null);
        }
    }
}
