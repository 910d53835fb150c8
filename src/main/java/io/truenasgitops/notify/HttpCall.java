package io.truenasgitops.notify;

import java.net.URI;
import java.util.Map;

/**
 * One HTTP request a channel makes.
 *
 * @param method {@code POST} or {@code PUT}
 * @param uri where
 * @param headers extra headers ({@code Content-Type} included), in order
 * @param body the body
 */
public record HttpCall(String method, URI uri, Map<String, String> headers, byte[] body) {}
