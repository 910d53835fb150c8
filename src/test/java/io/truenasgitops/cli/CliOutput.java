package io.truenasgitops.cli;

import io.quarkus.test.junit.main.LaunchResult;
import java.util.List;
import java.util.regex.Pattern;

/** The command's own stdout lines: in a test JVM, Quarkus log lines can land on the same stream. */
final class CliOutput {

    private static final Pattern LOG_LINE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d+ +(TRACE|DEBUG|INFO|WARN|ERROR) .*");

    private CliOutput() {}

    static List<String> lines(LaunchResult result) {
        return result.getOutputStream().stream().filter(l -> !LOG_LINE.matcher(l).matches()).toList();
    }
}
