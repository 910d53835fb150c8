package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.cli.ExitCodes;
import io.truenasgitops.git.GitSourceException;
import io.truenasgitops.reconcile.Reasons;
import io.truenasgitops.truenas.AuthenticationException;
import io.truenasgitops.truenas.TrueNasException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md explains every error the tool prints, by construction: a new reason, error type or
 * message without an entry fails the build. Enumerated:
 * <ul>
 *   <li>every {@link Reasons} constant (plan, status and outcome reasons), as {@code `Code`};</li>
 *   <li>every {@link TrueNasException} subclass in {@code io.truenasgitops.truenas}, by simple name;</li>
 *   <li>every {@link AuthenticationException.Reason} (login answers) and {@link GitSourceException.Kind};</li>
 *   <li>every {@link ExitCodes} value, as a row {@code | `N` |};</li>
 *   <li>every REST problem type slug the {@code api} package creates ({@code new ApiProblem(status, "slug"},
 *       {@code problem(status, "slug"}, {@code notFound("what"} → {@code what-not-found}, {@code badRequest}, {@code String slug = c ? "a" : "b"});</li>
 *   <li>the messages of these families, read from the source: stack validation problems ({@code compose} and
 *       {@code stacks}: {@code sm.error/warning}, {@code new Problem}, {@code errorAt}, {@code new TemplateException}),
 *       and the exceptions thrown by the TrueNAS client ({@code truenas}), the Git source ({@code git}), the CLI
 *       ({@code UsageException}, {@code NotFoundException}) and the health gate. For each message, its longest
 *       string literal (at least {@value #MIN_FRAGMENT} characters once trimmed) must appear in the document
 *       verbatim; the document writes the variable parts as {@code <…>}. Internal errors a user cannot cause
 *       are listed in {@link #INTERNAL} with the reason they are left out.</li>
 * </ul>
 */
class TroubleshootingDocTest {

    static final int MIN_FRAGMENT = 12;
    static final Path DOC = Path.of("docs/troubleshooting.md");
    static final Path MAIN = Path.of("src/main/java/io/truenasgitops");

    /** Messages that are programming errors or cannot reach a user; not documented. */
    static final Set<String> INTERNAL = Set.of(
            "cannot serialise a request", // Jackson failing on our own request objects
            "no X509 trust manager available", // a JVM without the default trust manager
            "cannot fingerprint a certificate", // a JVM without SHA-256
            "the server sent no certificate", // TLS without a certificate cannot complete a handshake
            "certificate fingerprint mismatch:", // internal to TlsTrust; the user sees the client's sentence
            "client certificates are not trusted here", // the client never acts as a TLS server
            ": the TrueNAS client blocks; call it from a worker thread,", // a coding error in this project
            ": interrupted while waiting", // thread interruption at shutdown
            "interrupted while connecting to", // thread interruption at shutdown
            "during the handshake", // suffix of the connection-lost sentence documented as a whole
            "the JVM has no SHA-256",
            "this JVM has no SHA-1",
            "git url is empty", // GitSettings guards its own callers; an absent URL is "no git source configured"
            "interrupted while waiting for", // thread interruption at shutdown
                        "could not prepare the demo: ",
            "could not write the demo API token file ",
            "could not write the demo API key file ",
            "cannot render the output",
            "email is not sent over HTTP", // a coding error: email targets get the SMTP channel
            "the JVM cannot compute HMAC-SHA256", // every JVM has HmacSHA256
            "cannot serialise a notification", // Jackson failing on our own JSON tree
            "interrupted (shutdown)", // a delivery thread stopped at shutdown
            "is not available in this JVM", // SHA-256/SHA-512 and their HMAC/PBKDF2 are in every JVM
            "no client-final-message was made", // ScramClient used out of order: a coding error
            "channel binding needs both its type and its data"); // ScramClient built wrongly: a coding error

    static String doc;

    @BeforeAll
    static void read() throws IOException {
        doc = Files.readString(DOC);
    }

    @Test
    void everyReasonCodeHasAnEntry() throws Exception {
        List<String> codes = new ArrayList<>();
        for (Field f : Reasons.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                codes.add((String) f.get(null));
            }
        }
        assertThat(codes).hasSizeGreaterThan(30);
        assertThat(codes).allSatisfy(code -> assertThat(doc).as("reason %s", code).contains("`" + code + "`"));
    }

    @Test
    void everyTrueNasErrorTypeLoginAnswerAndGitFailureKindHasAnEntry() throws Exception {
        List<String> types = new ArrayList<>();
        for (Path p : sources(MAIN.resolve("truenas"))) {
            String name = p.getFileName().toString().replace(".java", "");
            Class<?> c = Class.forName("io.truenasgitops.truenas." + name);
            if (TrueNasException.class.isAssignableFrom(c)) {
                types.add(c.getSimpleName());
            }
        }
        assertThat(types).hasSizeGreaterThan(15).contains("TrueNasException", "JobOutcomeUnknownException");
        assertThat(types).allSatisfy(t -> assertThat(doc).as("error type %s", t).contains("`" + t + "`"));
        assertThat(AuthenticationException.Reason.values())
                .allSatisfy(r -> assertThat(doc).as("login answer %s", r).contains("| `" + r.name() + "` |"));
        assertThat(GitSourceException.Kind.values())
                .allSatisfy(k -> assertThat(doc).as("git failure kind %s", k).contains("| `" + k.name() + "` |"));
    }

    @Test
    void everyExitCodeHasARow() throws Exception {
        for (Field f : ExitCodes.class.getFields()) {
            int code = f.getInt(null);
            assertThat(doc).as("exit code %s (%s)", code, f.getName()).contains("| `" + code + "` |");
        }
    }

    @Test
    void everyRestProblemTypeHasARow() throws Exception {
        Set<String> slugs = new TreeSet<>();
        Pattern explicit = Pattern.compile("(?:new ApiProblem|problem)\\(\\d+, \"([a-z-]+)\"");
        Pattern notFound = Pattern.compile("notFound\\(\"([a-z-]+)\"");
        Pattern chosen = Pattern.compile("String slug = ([^;]+);");
        for (Path p : sources(MAIN.resolve("api"))) {
            String src = Files.readString(p);
            explicit.matcher(src).results().forEach(m -> slugs.add(m.group(1)));
            notFound.matcher(src).results().forEach(m -> slugs.add(m.group(1) + "-not-found"));
            chosen.matcher(src).results().forEach(m -> Pattern.compile("\"([a-z-]+)\"").matcher(m.group(1)).results()
                    .forEach(r -> slugs.add(r.group(1))));
            if (src.contains("ApiProblem.badRequest(")) {
                slugs.add("bad-request");
            }
        }
        assertThat(slugs).contains("unauthorized", "stack-not-found", "nas-unavailable", "webhook-disabled");
        assertThat(slugs).allSatisfy(s -> assertThat(doc).as("problem type %s", s).contains("| `" + s + "` |"));
    }

    @Test
    void everyStackValidationMessageIsListed() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path p : concat(sources(MAIN.resolve("compose")), sources(MAIN.resolve("stacks")))) {
            String src = Files.readString(p);
            check(p, src, Pattern.compile("(?:sm|sourceMap)\\.(?:error|warning)\\("), 1, missing);
            check(p, src, Pattern.compile("new Problem\\("), 5, missing);
            check(p, src, Pattern.compile("errorAt\\("), 2, missing);
            check(p, src, Pattern.compile("new TemplateException\\("), 0, missing);
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyClientGitCliAndHealthGateErrorMessageIsListed() throws IOException {
        List<String> missing = new ArrayList<>();
        Pattern anyException = Pattern.compile("new \\w*Exception\\(");
        for (Path p : concat(sources(MAIN.resolve("truenas")), sources(MAIN.resolve("git")))) {
            checkFirstMessage(p, Files.readString(p), anyException, missing);
        }
        for (Path p : sources(MAIN.resolve("cli"))) {
            checkFirstMessage(p, Files.readString(p), Pattern.compile("new (?:UsageException|NotFoundException)\\("), missing);
        }
        Path gate = MAIN.resolve("reconcile/HealthGate.java");
        checkFirstMessage(gate, Files.readString(gate), Pattern.compile("new HealthGateException\\("), missing);
        assertThat(missing).isEmpty();
    }

    @Test
    void everySopsAndAgeKeyErrorMessageIsListed() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path p : sources(MAIN.resolve("sops"))) {
            check(p, Files.readString(p), Pattern.compile("new SopsException\\("), 1, missing);
            check(p, Files.readString(p), Pattern.compile("tampered\\("), 0, missing);
        }
        for (Path p : concat(sources(MAIN.resolve("stacks")), sources(MAIN.resolve("age")))) {
            checkFirstMessage(p, Files.readString(p), Pattern.compile("new (?:Unreadable|Failed|Invalid)\\("),
                    missing);
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyNotificationErrorMessageIsListed() throws IOException {
        List<String> missing = new ArrayList<>();
        Pattern call = Pattern.compile("new \\w*Exception\\(|out\\.add\\(|warn\\(|new SendResult\\.\\w+\\(");
        for (Path p : concat(sources(MAIN.resolve("notify")), List.of(MAIN.resolve("app/Notifications.java")))) {
            checkFirstMessage(p, Files.readString(p), call, missing);
        }
        assertThat(missing).isEmpty();
    }

    /** Calls matching {@code call}: the argument at {@code index} is the message. */
    private static void check(Path file, String src, Pattern call, int index, List<String> missing) {
        Matcher m = call.matcher(src);
        while (m.find()) {
            List<String> args = arguments(src, m.end() - 1);
            if (args.size() > index) {
                require(file, src, m.start(), args.get(index), missing);
            }
        }
    }

    /** Calls matching {@code call}: the first argument holding a string literal is the message. */
    private static void checkFirstMessage(Path file, String src, Pattern call, List<String> missing) {
        Matcher m = call.matcher(src);
        while (m.find()) {
            arguments(src, m.end() - 1).stream().filter(a -> a.contains("\"")).findFirst()
                    .ifPresent(a -> require(file, src, m.start(), a, missing));
        }
    }

    private static void require(Path file, String src, int at, String expression, List<String> missing) {
        String fragment = longestLiteral(expression);
        if (fragment.length() < MIN_FRAGMENT || INTERNAL.contains(fragment)) {
            return;
        }
        if (!doc.contains(fragment)) {
            int line = (int) src.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
            missing.add(file.getFileName() + ":" + line + ": \"" + fragment + "\"");
        }
    }

    static String longestLiteral(String expression) {
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(expression);
        String best = "";
        while (m.find()) {
            String literal = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\").strip();
            if (literal.length() > best.length()) {
                best = literal;
            }
        }
        return best;
    }

    /** The top-level arguments of the call whose opening parenthesis is at {@code open}. */
    static List<String> arguments(String src, int open) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = open; i < src.length(); i++) {
            char c = src.charAt(i);
            if (quote != 0) {
                cur.append(c);
                if (c == '\\') {
                    cur.append(src.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'' -> {
                    quote = c;
                    cur.append(c);
                }
                case '(' -> {
                    if (depth++ > 0) {
                        cur.append(c);
                    }
                }
                case ')' -> {
                    if (--depth == 0) {
                        out.add(cur.toString());
                        return out;
                    }
                    cur.append(c);
                }
                case ',' -> {
                    if (depth == 1) {
                        out.add(cur.toString());
                        cur.setLength(0);
                    } else {
                        cur.append(c);
                    }
                }
                default -> cur.append(c);
            }
        }
        return out;
    }

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
