package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.TrueNasClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code __complete -- WORD... CURRENT}: the stack or app names that fit the word being completed, one a line, for
 * the completion scripts of {@link CompletionCommand}. Hidden: shells call it, people do not.
 *
 * <p>The words are the command line after the program name, the last one the word under the cursor (maybe empty).
 * Stack names (the value of {@code --stack}, a {@code STACK} argument) come from the stacks folder of {@code --repo}
 * when it is given, else from the daemon ({@code --server} or {@code TRUENAS_GITOPS_SERVER}, as the command would
 * ask it), else from the stacks folder of the current directory when the command reads one. App names (the
 * {@code NAME} of {@code apps start} and its siblings) come from the NAS's {@code app.query}, through the same
 * connection options and environment as the command, so a connection the tool refuses elsewhere (an API key over
 * plain {@code ws://} to another host) is refused here too. Whatever fails, it prints nothing and exits 0, quickly:
 * a completion must never print an error into the command line being typed.
 */
@Command(name = CompleteCommand.NAME, hidden = true, mixinStandardHelpOptions = true,
        description = "Print the stack or app names that complete the last word (for the completion scripts).")
public class CompleteCommand implements Callable<Integer>, TopLevelCommand {

    static final String NAME = "__complete";
    /** Long enough for a daemon or NAS on the LAN; short enough that a TAB never hangs. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** What a position on the command line completes to. */
    enum Kind {
        STACK,
        APP
    }

    @Parameters(arity = "0..*", paramLabel = "WORD", description = "The words after the program name, the last one"
            + " being completed (give them after --).")
    List<String> words = new ArrayList<>();

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Logger root = Logger.getLogger("");
        Level level = root.getLevel();
        // a library's warning on stderr would land in the middle of the line being typed
        root.setLevel(Level.OFF);
        try {
            // the command line this one ran in holds the other commands in outline only (name and description)
            CommandSpec tree = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL,
                    words.toArray(String[]::new)).getCommandSpec();
            for (String name : complete(tree, words)) {
                out.println(name);
            }
        } catch (RuntimeException e) {
            // nothing reachable, or a half-typed command line: no names, no noise
        } finally {
            root.setLevel(level);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The names that complete the last of {@code words}, sorted; empty where no name is wanted or none is found. */
    static List<String> complete(CommandSpec root, List<String> words) {
        if (words.isEmpty()) {
            return List.of();
        }
        List<String> before = words.subList(0, words.size() - 1);
        String current = words.get(words.size() - 1);
        CommandSpec command = root;
        int positionals = 0;
        for (int i = 0; i < before.size(); i++) {
            String w = before.get(i);
            if (w.startsWith("-") && w.length() > 1) {
                OptionSpec option = w.contains("=") ? null : command.findOption(w);
                if (option != null && option.arity().min() > 0) {
                    i++;
                }
            } else if (positionals == 0 && command.subcommands().containsKey(w)) {
                command = command.subcommands().get(w).getCommandSpec();
            } else {
                positionals++;
            }
        }
        String previous = before.isEmpty() ? "" : before.get(before.size() - 1);
        OptionSpec option = previous.startsWith("-") ? command.findOption(previous) : null;
        Kind kind;
        String prefix = "";
        if (option != null && option.arity().min() > 0) {
            kind = isStackOption(option) ? Kind.STACK : null;
            if (kind != null && option.splitRegex().equals(",") && current.contains(",")) {
                prefix = current.substring(0, current.lastIndexOf(',') + 1);
            }
        } else if (current.startsWith("-")) {
            kind = null;
        } else {
            kind = kindOf(command, positionals);
        }
        if (kind == null) {
            return List.of();
        }
        Sources sources = Sources.of(before);
        List<String> names = kind == Kind.STACK ? sources.stacks(command.findOption("--repo") != null)
                : sources.apps();
        String typed = current.substring(prefix.length());
        TreeSet<String> fitting = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith(typed)) {
                fitting.add(prefix + name);
            }
        }
        return List.copyOf(fitting);
    }

    private static boolean isStackOption(OptionSpec option) {
        return "--stack".equals(option.longestName());
    }

    /** The kind of name the {@code index}-th positional argument of {@code command} is, or null. */
    static Kind kindOf(CommandSpec command, int index) {
        for (PositionalParamSpec p : command.positionalParameters()) {
            if (!p.index().contains(index)) {
                continue;
            }
            if ("STACK".equals(p.paramLabel())) {
                return Kind.STACK;
            }
            CommandSpec parent = command.parent();
            if ("NAME".equals(p.paramLabel()) && parent != null && "apps".equals(parent.name())) {
                return Kind.APP;
            }
        }
        return null;
    }

    /**
     * The names of the commands below {@code root} that take a stack or app name as an argument (the scripts call
     * {@code __complete} only after one of them, or after {@code --stack}, so that other TABs stay instant).
     */
    static List<String> commandsTakingNames(CommandSpec root) {
        TreeSet<String> names = new TreeSet<>();
        collect(root, names);
        return List.copyOf(names);
    }

    private static void collect(CommandSpec command, TreeSet<String> names) {
        for (CommandLine sub : command.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (s.usageMessage().hidden()) {
                continue;
            }
            for (int i = 0; i < s.positionalParameters().size(); i++) {
                if (kindOf(s, s.positionalParameters().get(i).index().min()) != null) {
                    names.add(s.name());
                }
            }
            collect(s, names);
        }
    }

    /** The options of the command line that say where names come from, parsed as the command would. */
    @Command(name = NAME)
    static final class Sources {
        @Mixin
        ConnectionOptions nas = new ConnectionOptions();

        @Mixin
        DaemonOptions daemon = new DaemonOptions();

        @Option(names = "--repo")
        Path repo;

        @Option(names = "--stacks-dir")
        String stacksDir;

        static Sources of(List<String> words) {
            Sources sources = new Sources();
            CommandLine cli = new CommandLine(sources);
            cli.setUnmatchedArgumentsAllowed(true);
            cli.setUnmatchedOptionsArePositionalParams(false);
            cli.parseArgs(words.toArray(String[]::new));
            return sources;
        }

        /** Stack names: the stacks folder of --repo, else the daemon's, else the current directory's. */
        List<String> stacks(boolean commandReadsARepository) {
            if (repo != null) {
                return folders(repo);
            }
            List<String> names = daemonStacks();
            if (names.isEmpty() && commandReadsARepository) {
                return folders(Path.of("."));
            }
            return names;
        }

        private List<String> daemonStacks() {
            try {
                List<String> names = new ArrayList<>();
                for (JsonNode s : new DaemonClient(daemon.server(), daemon.token(), TIMEOUT).stacks(TIMEOUT)) {
                    names.add(s.path("name").asText());
                }
                return names;
            } catch (RuntimeException e) {
                return List.of();
            }
        }

        private List<String> folders(Path repoRoot) {
            Path stacksRoot = repoRoot.resolve(stacksDir == null ? StacksOptions.DEFAULT_STACKS_DIR : stacksDir);
            if (!Files.isDirectory(stacksRoot)) {
                return List.of();
            }
            try (Stream<Path> list = Files.list(stacksRoot)) {
                return list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(p -> !StackRepository.composeFiles(p).isEmpty())
                        .map(p -> p.getFileName().toString()).toList();
            } catch (IOException e) {
                return List.of();
            }
        }

        /** App names, from app.query on the NAS. */
        List<String> apps() {
            try (TrueNasClient client = TrueNasClient.connect(nas.settings().toBuilder().connectTimeout(TIMEOUT)
                    .callTimeout(TIMEOUT).build())) {
                return client.apps().list(false).stream().map(App::name).toList();
            }
        }
    }
}
