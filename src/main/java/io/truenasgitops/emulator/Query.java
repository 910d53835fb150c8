package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The middleware's query-filters and query-options ({@code filter_list}) over JSON rows: the operators
 * {@code = != > >= < <= in nin rin rnin ^ !^ $ !$ ~}, {@code ["OR", [...]]}, dotted field paths, and the
 * options {@code select}, {@code order_by} (with {@code -} for descending), {@code offset}, {@code limit},
 * {@code count} and {@code get}.
 */
final class Query {
    private Query() {}

    /** Applies filters and options; returns an array, a single row ({@code get}) or a count ({@code count}). */
    static JsonNode apply(List<ObjectNode> rows, JsonNode filters, JsonNode options) {
        List<ObjectNode> matched = new ArrayList<>();
        for (ObjectNode row : rows) {
            if (matchesAll(row, filters)) {
                matched.add(row);
            }
        }
        if (options != null && options.isObject()) {
            JsonNode orderBy = options.get("order_by");
            if (orderBy != null && orderBy.isArray() && !orderBy.isEmpty()) {
                Comparator<ObjectNode> cmp = null;
                for (JsonNode o : orderBy) {
                    String spec = o.asText();
                    boolean desc = spec.startsWith("-");
                    String field = spec.replaceFirst("^-", "").replaceFirst("^nulls_(first|last):", "");
                    Comparator<ObjectNode> c = (a, b) -> compare(path(a, field), path(b, field));
                    if (desc) {
                        c = c.reversed();
                    }
                    cmp = cmp == null ? c : cmp.thenComparing(c);
                }
                matched.sort(cmp);
            }
            int offset = options.path("offset").asInt(0);
            int limit = options.path("limit").asInt(0);
            if (offset > 0) {
                matched = matched.subList(Math.min(offset, matched.size()), matched.size());
            }
            if (limit > 0 && matched.size() > limit) {
                matched = matched.subList(0, limit);
            }
            if (options.path("count").asBoolean(false)) {
                return IntNode.valueOf(matched.size());
            }
            JsonNode select = options.get("select");
            if (select != null && select.isArray() && !select.isEmpty()) {
                List<ObjectNode> selected = new ArrayList<>();
                for (ObjectNode row : matched) {
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    for (JsonNode s : select) {
                        String field = s.isArray() ? s.get(0).asText() : s.asText();
                        String as = s.isArray() && s.size() > 1 ? s.get(1).asText() : field;
                        JsonNode value = path(row, field);
                        if (value != null) {
                            putPath(out, as, value);
                        }
                    }
                    selected.add(out);
                }
                matched = selected;
            }
            if (options.path("get").asBoolean(false)) {
                if (matched.isEmpty()) {
                    throw new MiddlewareError.Other("MatchNotFound", "MatchNotFound()");
                }
                return matched.get(0);
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        matched.forEach(out::add);
        return out;
    }

    static boolean matchesAll(JsonNode row, JsonNode filters) {
        if (filters == null || filters.isNull()) {
            return true;
        }
        if (!filters.isArray()) {
            throw MiddlewareError.Validation.of("query-filters", "Input should be a valid list");
        }
        for (JsonNode f : filters) {
            if (!matches(row, f)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(JsonNode row, JsonNode filter) {
        if (!filter.isArray()) {
            throw new MiddlewareError.Other("ValueError", "Filter must be a list: " + filter);
        }
        if (filter.size() == 2 && "OR".equals(filter.get(0).asText())) {
            for (JsonNode branch : filter.get(1)) {
                if (branch.isArray() && branch.size() > 0 && branch.get(0).isArray()
                        ? matchesAll(row, branch) : matches(row, branch)) {
                    return true;
                }
            }
            return false;
        }
        if (filter.size() != 3) {
            throw new MiddlewareError.Other("ValueError", "Invalid filter " + filter);
        }
        String field = filter.get(0).asText();
        String op = filter.get(1).asText();
        JsonNode expected = filter.get(2);
        JsonNode actual = path(row, field);
        if (actual == null) {
            actual = JsonNodeFactory.instance.nullNode();
        }
        switch (op) {
            case "=":
                return same(actual, expected);
            case "!=":
                return !same(actual, expected);
            case ">":
                return compare(actual, expected) > 0;
            case ">=":
                return compare(actual, expected) >= 0;
            case "<":
                return compare(actual, expected) < 0;
            case "<=":
                return compare(actual, expected) <= 0;
            case "in":
                return contains(expected, actual);
            case "nin":
                return !contains(expected, actual);
            case "rin":
                return contains(actual, expected);
            case "rnin":
                return !contains(actual, expected);
            case "^":
                return actual.isTextual() && actual.asText().startsWith(expected.asText());
            case "!^":
                return !(actual.isTextual() && actual.asText().startsWith(expected.asText()));
            case "$":
                return actual.isTextual() && actual.asText().endsWith(expected.asText());
            case "!$":
                return !(actual.isTextual() && actual.asText().endsWith(expected.asText()));
            case "~":
                return actual.isTextual() && Pattern.compile(expected.asText()).matcher(actual.asText()).find();
            default:
                throw new MiddlewareError.Other("ValueError", "Invalid operation: " + op);
        }
    }

    private static boolean contains(JsonNode list, JsonNode value) {
        if (list == null || !list.isArray()) {
            if (list != null && list.isTextual() && value.isTextual()) {
                return list.asText().contains(value.asText());
            }
            return false;
        }
        for (JsonNode item : list) {
            if (same(item, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    static int compare(JsonNode a, JsonNode b) {
        boolean an = a == null || a.isNull();
        boolean bn = b == null || b.isNull();
        if (an || bn) {
            return an && bn ? 0 : an ? -1 : 1;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        if (a.isObject() && a.has("$date") && b.isObject() && b.has("$date")) {
            return Long.compare(a.get("$date").asLong(), b.get("$date").asLong());
        }
        return a.asText().compareTo(b.asText());
    }

    static JsonNode path(JsonNode row, String field) {
        JsonNode cur = row;
        for (String part : field.split("\\.")) {
            if (cur == null || !cur.isObject()) {
                return null;
            }
            cur = cur.get(part);
        }
        return cur;
    }

    private static void putPath(ObjectNode out, String field, JsonNode value) {
        String[] parts = field.split("\\.");
        ObjectNode cur = out;
        for (int i = 0; i < parts.length - 1; i++) {
            cur = cur.has(parts[i]) && cur.get(parts[i]).isObject() ? (ObjectNode) cur.get(parts[i]) : cur.putObject(parts[i]);
        }
        cur.set(parts[parts.length - 1], value);
    }
}
