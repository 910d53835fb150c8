package io.truenasgitops.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A bash session as a person reading the docs has it: each command runs in {@code bash} with the environment
 * and working directory the previous commands left behind ({@code export}, {@code cd}), so that a document's
 * commands can be run one by one and checked one by one.
 */
final class ShellSession implements AutoCloseable {

    /** What a finished command did. */
    record Result(String command, int exitCode, String stdout, String stderr) {
        String describe() {
            return "`" + command + "` exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Variables of bash itself or of this class, never carried from one command to the next. */
    private static final Set<String> NOT_CARRIED = Set.of("_", "SHLVL", "BASHOPTS", "SHELLOPTS", "BASH_EXECUTION_STRING",
            "__DOCWALK_STATE", "__DOCWALK_PWD");

    private final Path scratch;
    private final Map<String, String> env;
    private Path cwd;
    private final List<Process> background = new ArrayList<>();
    private int counter;

    /**
     * @param cwd where the session starts (the project folder: the docs' {@code target/...} paths are relative)
     * @param env the whole environment of the session (nothing is inherited from the test JVM)
     */
    ShellSession(Path cwd, Map<String, String> env, Path scratch) {
        this.cwd = cwd;
        this.env = new LinkedHashMap<>(env);
        this.scratch = scratch;
    }

    Map<String, String> env() {
        return Map.copyOf(env);
    }

    Path cwd() {
        return cwd;
    }

    /**
     * Runs one command line and waits for it; {@code stdin} is what the person would type or paste. The
     * environment and directory it leaves become the session's.
     */
    Result run(String command, String stdin, Duration timeout) {
        int n = ++counter;
        Path state = scratch.resolve("env-" + n);
        Path pwd = scratch.resolve("pwd-" + n);
        Path out = scratch.resolve("out-" + n);
        Path err = scratch.resolve("err-" + n);
        Path in = scratch.resolve("in-" + n);
        String script = "set -o pipefail\n" + command + "\n__rc=$?\nenv -0 > \"$__DOCWALK_STATE\"\n"
                + "pwd > \"$__DOCWALK_PWD\"\nexit $__rc\n";
        try {
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(cwd.toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.environment().put("__DOCWALK_STATE", state.toString());
            pb.environment().put("__DOCWALK_PWD", pwd.toString());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("`" + command + "` did not finish within " + timeout + "\n--- stdout\n"
                        + Files.readString(out) + "\n--- stderr\n" + Files.readString(err));
            }
            int exit = p.exitValue();
            if (Files.exists(state)) {
                env.clear();
                for (String entry : Files.readString(state, StandardCharsets.UTF_8).split("\0")) {
                    int eq = entry.indexOf('=');
                    if (eq > 0 && !NOT_CARRIED.contains(entry.substring(0, eq))) {
                        env.put(entry.substring(0, eq), entry.substring(eq + 1));
                    }
                }
                cwd = Path.of(Files.readString(pwd, StandardCharsets.UTF_8).strip());
            }
            return new Result(command, exit, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run `" + command + "`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running `" + command + "`", e);
        }
    }

    /** A long-running command (a daemon), as a person runs it in another terminal; output goes to files. */
    Background start(String command, Map<String, String> extraEnv) {
        int n = ++counter;
        Path out = scratch.resolve("bg-out-" + n);
        Path err = scratch.resolve("bg-err-" + n);
        try {
            // exec: the signal a person sends with Ctrl-C (here SIGTERM) reaches the JVM, not a wrapping bash.
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec " + command).directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            background.add(p);
            return new Background(command, p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start `" + command + "`", e);
        }
    }

    /** A running daemon started by {@link #start}. */
    record Background(String command, Process process, Path stdoutFile, Path stderrFile) {
        String stdout() {
            return read(stdoutFile);
        }

        String stderr() {
            return read(stderrFile);
        }

        String describe() {
            return "`" + command + "`\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
        }

        /** Sends SIGTERM (what systemd and docker stop send; Ctrl-C is SIGINT, handled the same) and waits. */
        int stop(Duration timeout) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("`" + command + "` did not stop within " + timeout + " of SIGTERM\n"
                        + describe());
            }
            return process.exitValue();
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Kills whatever a failed walk left running: never leave a daemon behind. */
    @Override
    public void close() {
        for (Process p : background) {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
