package io.truenasgitops.cli;

import io.truenasgitops.truenas.InsecureTransportException;
import io.truenasgitops.truenas.InvalidSettingsException;
import io.truenasgitops.truenas.TrueNasException;
import picocli.CommandLine;

/**
 * The one place that turns an exception escaping a command into a message and an exit code.
 *
 * <p>Users get one short line saying what failed; the stack trace only with {@code TRUENAS_GITOPS_DEBUG=1}.
 */
public class CliErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        cmd.getErr().println("error: " + messageOf(ex));
        String logs = jobLogsOf(ex);
        if (logs != null) {
            cmd.getErr().println("the job's log on the NAS (logs_excerpt):");
            logs.lines().forEach(line -> cmd.getErr().println("  " + line));
        }
        if ("1".equals(System.getenv("TRUENAS_GITOPS_DEBUG"))) {
            ex.printStackTrace(cmd.getErr());
        }
        return exitCodeOf(ex);
    }

    static String messageOf(Throwable ex) {
        String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
    }

    /** A failed job's log excerpt (26.0+: the containers' output of a failed create), or null. */
    static String jobLogsOf(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof TrueNasException tne && tne.jobLogs() != null) {
                return tne.jobLogs();
            }
        }
        return null;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof UsageException
                || ex instanceof InvalidSettingsException
                || ex instanceof InsecureTransportException
                || ex instanceof io.truenasgitops.git.GitSourceException gse
                        && gse.kind() == io.truenasgitops.git.GitSourceException.Kind.CONFIG) {
            // Settings that cannot work: nothing was attempted.
            return ExitCodes.USAGE;
        }
        if (ex instanceof TrueNasException tne && tne.isConnectionOrAuthProblem()) {
            return ExitCodes.CONNECTION;
        }
        return ExitCodes.FAILED;
    }
}
