package io.truenasgitops.api;

import java.util.Map;
import java.util.TreeMap;

/** Case-insensitive access to request headers, so the pure webhook code needs no JAX-RS types. */
@FunctionalInterface
public interface HeaderLookup {

    /** The first value of the header, or null when it is absent. Names are case-insensitive. */
    String get(String name);

    /** A lookup over a plain map (names compared case-insensitively). */
    static HeaderLookup of(Map<String, String> headers) {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        return copy::get;
    }
}
