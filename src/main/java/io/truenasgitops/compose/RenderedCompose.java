package io.truenasgitops.compose;

import java.util.Map;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public record RenderedCompose(Map<String, Object> compose, String hash, SecretMasker masker) {}
