package io.truenasgitops.cli;

/**
 * Marker for a picocli command that hangs directly under the root command ({@code truenas-gitops NAME}).
 *
 * <p>Every implementation is a {@code @picocli.CommandLine.Command} class listed in {@link Commands#TOP_LEVEL}
 * (the plain entry point creates commands without CDI; {@code CommandsTest} fails for a class not listed).
 */
public interface TopLevelCommand {}
