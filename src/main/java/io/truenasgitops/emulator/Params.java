package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The positional arguments of a middleware call, read as the middleware validates them.
 */
final class Params {
    private Params() {}

    static JsonNode arg(ArrayNode params, int i) {
        return params.size() > i ? params.get(i) : null;
    }

    static String textArg(ArrayNode params, int i, String attr) {
        JsonNode v = arg(params, i);
        if (v == null) {
            throw MiddlewareError.Validation.of(attr, "Field required");
        }
        if (!v.isTextual()) {
            throw MiddlewareError.Validation.of(attr, "Input should be a valid string");
        }
        return v.asText();
    }
}
