package io.truenasgitops.cli;

/**
 * Marker for a picocli command that hangs directly under the root command ({@code truenas-gitops NAME}).
 *
 * <p>Every implementation is a {@code @picocli.CommandLine.Command} class; the root finds them through CDI,
 * so adding a command means adding a class, not editing a list.
 */
public interface TopLevelCommand {}
