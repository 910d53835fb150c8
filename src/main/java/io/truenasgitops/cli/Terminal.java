package io.truenasgitops.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the CLI knows about the terminal it runs in: whether a person is there to answer a question, and whether
 * colours may be used (only on a terminal, never with {@code NO_COLOR} set, see no-color.org).
 *
 * <p>Tests replace {@link #current} to play a person at a terminal.
 */
public interface Terminal {

    /** Whether stdin and stdout are a terminal, so that a question can be asked and answered. */
    boolean interactive();

    /** Whether output may carry ANSI colours. */
    boolean colours();

    /** Asks {@code question} on the terminal and reads the answer; null when nothing could be read. */
    String ask(PrintWriter err, String question);

    /** The terminal of this process. */
    Terminal SYSTEM = system(System::getenv);

    /** The terminal commands use; tests replace it. */
    static Terminal current() {
        return Holder.current;
    }

    /** Replaces the terminal commands use (tests); returns the previous one. */
    static Terminal use(Terminal terminal) {
        Terminal previous = Holder.current;
        Holder.current = terminal;
        return previous;
    }

    /**
     * The process terminal as seen through {@code env}: a terminal when the JVM has a console (stdin and stdout
     * are terminals), colours unless {@code NO_COLOR} is set to anything non-empty or {@code TERM=dumb}.
     */
    static Terminal system(Function<String, String> env) {
        return new Terminal() {
            @Override
            public boolean interactive() {
                return System.console() != null;
            }

            @Override
            public boolean colours() {
                return interactive() && Terminal.coloursAllowed(env);
            }

            @Override
            public String ask(PrintWriter err, String question) {
                Console console = System.console();
                if (console == null) {
                    return null;
                }
                err.print(question);
                err.flush();
                try {
                    return new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())).readLine();
                } catch (IOException e) {
                    return null;
                }
            }
        };
    }

    /** Whether the environment allows colours: no {@code NO_COLOR} (any non-empty value), no {@code TERM=dumb}. */
    static boolean coloursAllowed(Function<String, String> env) {
        String noColor = env.apply("NO_COLOR");
        return (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.apply("TERM"));
    }

    /** Whether {@code answer} is a yes ({@code y}, {@code yes}, any case). */
    static boolean isYes(String answer) {
        if (answer == null) {
            return false;
        }
        String a = answer.strip().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    /** Holds the replaceable terminal. */
    final class Holder {
        private static volatile Terminal current = SYSTEM;

        private Holder() {}
    }
}
