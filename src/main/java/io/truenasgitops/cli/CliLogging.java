package io.truenasgitops.cli;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Logging of a short command (no Quarkus runtime): warnings and errors on stderr as {@code LEVEL message}, so a
 * person reads them between the command's own lines and stdout carries only the output. The reconcile engine
 * logs only errors: the command reports the pass itself (progress, results, "error: ..."), its log lines would
 * say the same things twice.
 */
final class CliLogging {

    /** The engine's package: its per-pass log lines repeat what plan and sync print. */
    private static final String ENGINE = "io.truenasgitops.reconcile";

    /** Keeps the engine's logger (and its level) from being collected. */
    private static Logger engine;

    private CliLogging() {}

    /**
     * Sets the command's logging up; closing puts back what was there (a test JVM runs many commands and other
     * tests after them).
     */
    static AutoCloseable configure() {
        Logger root = LogManager.getLogManager().getLogger("");
        Handler[] handlers = root.getHandlers();
        Level level = root.getLevel();
        engine = Logger.getLogger(ENGINE);
        Level engineLevel = engine.getLevel();
        for (Handler h : handlers) {
            root.removeHandler(h);
        }
        StderrHandler stderr = new StderrHandler(System.err);
        root.setLevel(Level.WARNING);
        root.addHandler(stderr);
        engine.setLevel(Level.SEVERE);
        return () -> {
            root.removeHandler(stderr);
            for (Handler h : handlers) {
                root.addHandler(h);
            }
            root.setLevel(level);
            engine.setLevel(engineLevel);
        };
    }

    /** One line per record: level, message, and the exception's message (its stack only at FINE and below). */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            String level = record.getLevel().intValue() >= Level.SEVERE.intValue() ? "ERROR"
                    : record.getLevel().intValue() >= Level.WARNING.intValue() ? "WARN" : record.getLevel().getName();
            StringBuilder line = new StringBuilder(level).append(' ').append(formatMessage(record));
            if (record.getThrown() != null) {
                line.append(": ").append(CliErrorHandler.messageOf(record.getThrown()));
            }
            return line.append(System.lineSeparator()).toString();
        }
    }

    /** Writes to the stderr of the moment (tests swap it) and flushes every record. */
    private static final class StderrHandler extends StreamHandler {
        StderrHandler(PrintStream err) {
            super(err, new LineFormatter());
            setLevel(Level.ALL);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }
    }
}
