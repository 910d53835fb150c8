package io.truenasgitops.stacks;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public record StacksOptions(String stacksDir) {}
