package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The short commands' plain entry point: its {@code --version} shortcut and where libraries' logs go. */
class ShortMainTest {

    @Test
    void theVersionShortcutPrintsExactlyWhatPicocliPrintsForTheRootsVersion() {
        StringWriter picocli = new StringWriter();
        CommandLine root = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, "--version");
        root.setOut(new PrintWriter(picocli, true));
        int picocliExit = root.execute("--version");
        ByteArrayOutputStream shortcut = new ByteArrayOutputStream();

        int exit = ShortMain.printVersion(new PrintStream(shortcut, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(picocliExit).isZero();
        assertThat(shortcut.toString(StandardCharsets.UTF_8).lines().toList())
                .isEqualTo(picocli.toString().lines().toList())
                .singleElement().asString().startsWith("truenas-gitops ");
    }

    @Test
    void theVersionShortcutNeedsNothingButTheApplicationsOwnClasses() throws Exception {
        java.net.URL classes = ShortMain.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader alone = new java.net.URLClassLoader(new java.net.URL[] {classes},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> shortMain = alone.loadClass(ShortMain.class.getName());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            java.lang.reflect.Method print = shortMain.getDeclaredMethod("printVersion", PrintStream.class);
            print.setAccessible(true);

            Object exit = print.invoke(null, new PrintStream(out, true, StandardCharsets.UTF_8));

            assertThat(exit).isEqualTo(0);
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("truenas-gitops ");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> alone.loadClass("picocli.CommandLine"))
                    .as("picocli is not on that class path").isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void anSlf4jWarningWithArgumentsReachesJavaUtilLoggingAsOneFormattedRecord() {
        Logger jul = Logger.getLogger("io.truenasgitops.test.slf4j");
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(capture);
        Level before = jul.getLevel();
        jul.setLevel(Level.INFO);
        try {
            org.slf4j.Logger logger = new JulSlf4jProvider().getLoggerFactory().getLogger("io.truenasgitops.test.slf4j");
            IllegalStateException cause = new IllegalStateException("boom");

            logger.warn("fetch of {} failed after {} tries", "origin", 3, cause);
            logger.debug("not {}", "shown");

            assertThat(logger.isDebugEnabled()).isFalse();
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getMessage()).isEqualTo("fetch of origin failed after 3 tries");
                assertThat(r.getThrown()).isSameAs(cause);
                assertThat(r.getLoggerName()).isEqualTo("io.truenasgitops.test.slf4j");
            });
        } finally {
            jul.removeHandler(capture);
            jul.setLevel(before);
        }
    }
}
