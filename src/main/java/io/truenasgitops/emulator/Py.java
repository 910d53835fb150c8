package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Python {@code repr()} of JSON values, for messages that the middleware builds from them. */
final class Py {
    private Py() {}

    static String repr(String s) {
        return MiddlewareError.pyQuote(s);
    }

    static String repr(JsonNode node) {
        if (node == null || node.isNull()) {
            return "None";
        }
        if (node.isTextual()) {
            return repr(node.asText());
        }
        if (node.isBoolean()) {
            return node.asBoolean() ? "True" : "False";
        }
        if (node.isNumber()) {
            return node.asText();
        }
        List<String> parts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> parts.add(repr(n)));
            return "[" + String.join(", ", parts) + "]";
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(repr(e.getKey()) + ": " + repr(e.getValue()));
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
