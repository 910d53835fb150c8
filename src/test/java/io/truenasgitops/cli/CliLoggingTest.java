package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CliLoggingTest {

    final Logger root = LogManager.getLogManager().getLogger("");
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr;
    List<Handler> originalHandlers;
    Level originalLevel;
    Level originalEngineLevel;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        originalHandlers = List.of(root.getHandlers());
        originalLevel = root.getLevel();
        originalEngineLevel = Logger.getLogger("io.truenasgitops.reconcile").getLevel();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        originalHandlers.forEach(root::addHandler);
        root.setLevel(originalLevel);
        Logger.getLogger("io.truenasgitops.reconcile").setLevel(originalEngineLevel);
    }

    @Test
    void warningsReachStderrAsLevelAndMessageAndTheEnginesPassLinesStayQuiet() throws Exception {
        AutoCloseable logging = CliLogging.configure();

        Logger.getLogger("io.truenasgitops.git.JGitSource").warning("fetch was slow");
        Logger.getLogger("io.truenasgitops.git.JGitSource").info("fetched");
        Logger.getLogger("io.truenasgitops.reconcile.Reconciler").warning("web: ReconciliationFailed");
        Logger.getLogger("io.truenasgitops.reconcile.Reconciler").log(Level.SEVERE, "pass failed",
                new IOException("disk full"));

        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("WARN fetch was slow", "ERROR pass failed: disk full");
        logging.close();
        assertThat(root.getLevel()).isEqualTo(originalLevel);
        assertThat(List.of(root.getHandlers())).containsExactlyElementsOf(originalHandlers);
    }
}
