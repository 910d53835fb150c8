package io.truenasgitops.cli;

import io.truenasgitops.truenas.Job;
import io.truenasgitops.truenas.JobListener;
import java.io.PrintWriter;

/**
 * Shows a job's progress on stderr (stdout stays for the command's data): one line rewritten in place on a
 * terminal, one plain line per change otherwise (CI logs, pipes).
 */
final class JobProgress implements JobListener {
    private final PrintWriter err;
    private final boolean live;
    private String last;
    private int width;

    JobProgress(PrintWriter err, boolean live) {
        this.err = err;
        this.live = live;
    }

    /** Live when the JVM has a console (stdout is a terminal). */
    static JobProgress on(PrintWriter err) {
        return new JobProgress(err, System.console() != null);
    }

    @Override
    public synchronized void onUpdate(Job job) {
        String line = "job " + job.id() + " " + (job.method() == null ? "" : job.method() + " ") + job.state() + " "
                + job.progressPercent() + "%"
                + (job.progressDescription() == null || job.progressDescription().isBlank()
                        ? "" : ": " + job.progressDescription());
        if (line.equals(last)) {
            return;
        }
        last = line;
        if (live) {
            String padded = line + " ".repeat(Math.max(0, width - line.length()));
            width = line.length();
            err.print("\r" + padded);
            if (job.isFinished()) {
                err.println();
            }
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends a live line that did not reach a finished state (an error cut it short). */
    synchronized void finish() {
        if (live && last != null && width > 0) {
            err.println();
            err.flush();
            width = 0;
        }
    }
}
