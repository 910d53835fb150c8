package io.truenasgitops.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The emulator's one JSON mapper and node helpers. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("emulator: cannot serialize a JSON node", e);
        }
    }

    static JsonNode valueToTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** {@code {"$date": ms}}, the middleware's EJSON encoding of a datetime. */
    static ObjectNode date(long epochMillis) {
        ObjectNode date = object();
        date.put("$date", epochMillis);
        return date;
    }
}
