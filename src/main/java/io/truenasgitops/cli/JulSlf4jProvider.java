package io.truenasgitops.cli;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J for short commands (JGit and Netty log through it): every record goes to {@code java.util.logging}, where
 * {@link CliLogging} prints warnings and errors on stderr. Chosen by the {@code slf4j.provider} system property
 * that {@link ShortMain} sets, never by {@code META-INF/services}: the daemon binds SLF4J to the JBoss LogManager.
 */
public final class JulSlf4jProvider implements SLF4JServiceProvider {

    private final ILoggerFactory loggers = JulLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: java.util.logging is there
    }

    /** One SLF4J logger over the {@code java.util.logging} logger of the same name. */
    private static final class JulLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient Logger jul;

        JulLogger(String name) {
            this.name = name;
            this.jul = Logger.getLogger(name);
        }

        @Override
        public boolean isTraceEnabled() {
            return jul.isLoggable(Level.FINEST);
        }

        @Override
        public boolean isDebugEnabled() {
            return jul.isLoggable(Level.FINE);
        }

        @Override
        public boolean isInfoEnabled() {
            return jul.isLoggable(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return jul.isLoggable(Level.WARNING);
        }

        @Override
        public boolean isErrorEnabled() {
            return jul.isLoggable(Level.SEVERE);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String messagePattern,
                Object[] arguments, Throwable throwable) {
            Level julLevel = switch (level) {
                case ERROR -> Level.SEVERE;
                case WARN -> Level.WARNING;
                case INFO -> Level.INFO;
                case DEBUG -> Level.FINE;
                case TRACE -> Level.FINEST;
            };
            LogRecord record = new LogRecord(julLevel, MessageFormatter.basicArrayFormat(messagePattern, arguments));
            record.setLoggerName(name);
            record.setThrown(throwable);
            jul.log(record);
        }
    }
}
