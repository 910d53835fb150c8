package io.truenasgitops.truenas;

/** One line of an {@code app.container_log_follow} stream; {@code timestamp} as the middleware sent it, or null. */
public record LogLine(String data, String timestamp) {}
