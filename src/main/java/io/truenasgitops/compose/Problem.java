package io.truenasgitops.compose;

/**
 * One problem found in a stack: where it is (file, line, column, YAML path) and what to do about it.
 *
 * @param severity ERROR blocks the stack; WARNING is reported and the stack goes on
 * @param file the file, relative to the repository root where known (e.g. {@code stacks/web/compose.yaml})
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 * @param path the YAML path, e.g. {@code services.web.volumes[0]}, or empty for the whole file
 * @param message what is wrong and how to fix it
 */
public record Problem(Severity severity, String file, int line, int column, String path, String message) {

    /** How bad a problem is. */
    public enum Severity {
        ERROR,
        WARNING
    }

    /** {@code file:line:column: severity: path: message}, the form editors and CI logs understand. */
    public String format() {
        StringBuilder b = new StringBuilder(file == null ? "" : file);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        b.append(": ").append(severity.name().toLowerCase()).append(": ");
        if (path != null && !path.isEmpty()) {
            b.append(path).append(": ");
        }
        return b.append(message).toString();
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
