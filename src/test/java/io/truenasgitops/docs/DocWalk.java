package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What walking a document needs besides a shell: the table that replaces the document's placeholders by real
 * loopback values, the check that no unknown placeholder is left, the steps that know how to run (and check)
 * each kind of command, and the normalisation that lets shown output be compared with real output.
 */
final class DocWalk {

    /** The jar every documented command runs, relative to the project folder. */
    static final String JAR = "target/quarkus-app/quarkus-run.jar";
    /** The launcher {@code package} puts next to the jar: the docs run the jar through it. */
    static final String LAUNCHER = "target/quarkus-app/truenas-gitops";
    /**
     * The name the docs give the launcher after the build. A walk's shell has it on its PATH as a symlink to
     * {@link #LAUNCHER}, as the docs suggest, so that {@code truenas-gitops ...} runs the packaged script itself.
     */
    static final String CLI = "truenas-gitops";

    /**
     * Text that marks a placeholder a person must replace. After substitution none may be left: a placeholder
     * added to a document without a row in the walk's table fails the walk instead of running against nothing.
     */
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "\\.\\.\\.|…|\\bexample\\.(com|org|net)\\b|\\bnas\\.(lan|local)\\b|path/to/|\\bAB:CD\\b|<[A-Za-z_-]+>"
                    + "|\\bYOUR_|\\bCHANGE_?ME\\b");

    /** Executables whose appearance in an inline code span (outside a block) means an unwalked command. */
    private static final Pattern INLINE_COMMAND = Pattern.compile(
            "^(\\./mvnw|java -jar|curl|openssl|git|export|mkdir|umask|cat >|sed|docker|systemctl) .*");

    /** One kind of command: which commands it takes, and how to run and check one. */
    record Step(String name, Pattern pattern, StepAction action) {
    }

    /** Runs and checks one command; {@code m} is the step's pattern matched on the substituted command. */
    @FunctionalInterface
    interface StepAction {
        void run(MarkdownCommands.Command doc, String command, Matcher m) throws Exception;
    }

    private final Map<String, String> substitutions = new LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();

    /** Replaces {@code placeholder} (exact text of the document) by {@code value} in every command. */
    DocWalk substitute(String placeholder, String value) {
        substitutions.put(placeholder, value);
        return this;
    }

    DocWalk step(String name, String regex, StepAction action) {
        steps.add(new Step(name, Pattern.compile(regex), action));
        return this;
    }

    /** The command as it runs here: placeholders replaced, longest first (so {@code nas.lan:443} wins). */
    String substituted(String command) {
        String out = command;
        List<String> keys = new ArrayList<>(substitutions.keySet());
        keys.sort((a, b) -> b.length() - a.length());
        for (String key : keys) {
            out = out.replace(key, substitutions.get(key));
        }
        return out;
    }

    /**
     * Runs every command of the document in order, each through the one step that matches it. Fails on a
     * command no step knows, on a placeholder the table does not map, and on inline code that is a command.
     *
     * @return the names of the steps in the order they ran, to check that the walk saw what it expects
     */
    List<String> walk(MarkdownCommands doc) throws Exception {
        java.util.Set<String> walked = doc.commands().stream().map(MarkdownCommands.Command::text)
                .collect(java.util.stream.Collectors.toSet());
        List<String> unwalkedInline = doc.inlineCode().stream()
                .filter(c -> INLINE_COMMAND.matcher(c.text()).matches()
                        // the same text as a walked command, or the start of some (the CLI's name) is fine
                        && walked.stream().noneMatch(w -> w.startsWith(c.text())))
                .map(c -> doc.file().getFileName() + ":" + c.line() + ": `" + c.text() + "`").toList();
        assertThat(unwalkedInline).as("commands written inline are not walked: put them in a ```sh block or a"
                + " `$ ` line of an output block").isEmpty();
        List<String> ran = new ArrayList<>();
        for (MarkdownCommands.Command c : doc.commands()) {
            String command = substituted(c.text());
            Matcher left = PLACEHOLDER.matcher(command);
            assertThat(left.find()).as(doc.file().getFileName() + " " + c + ": placeholder '"
                    + (left.find(0) ? left.group() : "") + "' has no row in the walk's substitution table").isFalse();
            Step step = steps.stream().filter(s -> s.pattern().matcher(command).matches()).findFirst()
                    .orElseThrow(() -> new AssertionError(doc.file().getFileName() + " " + c
                            + ": the walk does not know this command; add a step that runs and checks it"));
            Matcher m = step.pattern().matcher(command);
            m.matches();
            long start = System.nanoTime();
            step.action().run(c, command, m);
            ran.add(step.name());
            // For whoever tunes the walk's run time (not asserted): which commands are slow.
            System.out.printf("%s %s: %-24s %5.1f s%n", doc.file().getFileName(), c.line(), step.name(),
                    (System.nanoTime() - start) / 1e9);
        }
        return ran;
    }

    /**
     * Output with what changes from run to run replaced by stable tokens: temp folders, ports, revisions,
     * durations, and the timestamp and thread of log lines.
     */
    static String normalize(String text) {
        return NORMALIZERS.apply(text);
    }

    private static final Function<String, String> NORMALIZERS = ((Function<String, String>) s -> s)
            .andThen(s -> s.replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d+ ", ""))
            .andThen(s -> s.replaceAll("(?m)^(\\w+\\s+\\[[^\\]]+\\]) \\([^)]*\\) ", "$1 "))
            .andThen(s -> s.replaceAll("/tmp/truenas-gitops-demo-\\d+", "<demo>"))
            .andThen(s -> s.replaceAll("localhost:\\d+", "localhost:<port>"))
            .andThen(s -> s.replaceAll("\\b[0-9a-f]{12}\\b", "<rev>"))
            .andThen(s -> s.replaceAll("\\b\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\b", "<time>"))
            .andThen(s -> s.replaceAll("PT[0-9.]+S", "<duration>"))
            .andThen(s -> s.replaceAll(" in (\\d+(\\.\\d)? s|\\d+ ms|\\d+m( \\d+s)?|\\d+h( \\d+m)?)\\b", " in <duration>"));

    /** Lines of {@code text}, normalised, without trailing blanks. */
    static List<String> normalizedLines(String text) {
        return normalize(text).lines().map(String::stripTrailing).toList();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The project folder: the docs run their commands from it. */
    static Path projectDir() {
        Path dir = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath().normalize();
        assertThat(dir.resolve("pom.xml")).as("project folder " + dir).exists();
        return dir;
    }

    /** The packaged jar and its launcher must be there: the docs walks run in failsafe, after {@code package}. */
    static void assertJarBuilt(Path project) {
        assertThat(Files.isRegularFile(project.resolve(JAR)))
                .as(project.resolve(JAR) + " is missing: the docs walks run after `package` (./mvnw -B -ntp verify)")
                .isTrue();
        assertThat(Files.isExecutable(project.resolve(LAUNCHER)))
                .as(project.resolve(LAUNCHER) + " is missing or not executable: `package` copies bin/truenas-gitops there")
                .isTrue();
    }

    /**
     * An environment like a person's login shell, with a fresh HOME: nothing from the developer's, except that
     * {@code ~/.local/bin} is first on the PATH and holds {@code truenas-gitops}, a symlink to the packaged
     * launcher, as the docs tell a person to make it.
     */
    static Map<String, String> cleanEnvironment(Path home) throws IOException {
        Path bin = Files.createDirectories(home.resolve(".local/bin"));
        Files.createSymbolicLink(bin.resolve(CLI), projectDir().resolve(LAUNCHER));
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        String javaHome = System.getProperty("java.home");
        if (javaHome != null) {
            // The same JVM as the build, on PATH and as JAVA_HOME (the launcher's Java): the docs expect Java 17+.
            path = Path.of(javaHome, "bin") + ":" + path;
            env.put("JAVA_HOME", javaHome);
        }
        env.put("PATH", bin + ":" + path);
        return env;
    }

    /** Git identity of the person walking (a fresh HOME has none, and `git commit` refuses without one). */
    static void writeGitIdentity(Path home) throws IOException {
        Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Docs Walker\n\temail = docs@localhost\n"
                + "[init]\n\tdefaultBranch = main\n");
    }
}
