package io.truenasgitops.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code completion [--shell bash|zsh|fish]}: prints a shell completion script. Commands and options come from the
 * command tree (picocli's generated script for bash and zsh, a generated one for fish); stack and app names are
 * asked, on TAB, from the hidden {@link CompleteCommand} ({@code __complete}), which knows where they come from.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a completion script for bash, zsh or fish: commands, options and their values complete on"
                + " TAB, and so do stack names (from the daemon, or the stacks folder of --repo) and app names (from"
                + " the NAS, with the command's connection options and environment).",
                "Load it in the running shell with: source <(truenas-gitops completion), or save it once:"
                        + " truenas-gitops completion > /etc/bash_completion.d/truenas-gitops (zsh: source <(truenas-gitops"
                        + " completion --shell zsh); fish: truenas-gitops completion --shell fish >"
                        + " ~/.config/fish/completions/truenas-gitops.fish)."})
public class CompletionCommand implements Callable<Integer>, TopLevelCommand {

    /** The shells served (zsh through its bash completion emulation, as picocli's script does). */
    enum Shell {
        bash,
        zsh,
        fish
    }

    @Parameters(arity = "0..1", paramLabel = "SHELL", description = "The shell: bash, zsh or fish (default: bash).")
    Shell shellArgument;

    @Option(names = "--shell", paramLabel = "SHELL", description = "The shell: bash, zsh or fish (default: bash).")
    Shell shellOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (shellArgument != null && shellOption != null && shellArgument != shellOption) {
            throw new UsageException("completion: give the shell once, either as --shell " + shellOption + " or as "
                    + shellArgument);
        }
        Shell shell = shellOption != null ? shellOption : shellArgument != null ? shellArgument : Shell.bash;
        CommandLine root = spec.root().commandLine();
        PrintWriter out = spec.commandLine().getOut();
        out.print(shell == Shell.fish ? fish(root) : bash(root));
        out.flush();
        return ExitCodes.OK;
    }

    /** picocli's script (bash, and zsh through bashcompinit) with names from {@code __complete} in front of it. */
    static String bash(CommandLine root) {
        String program = root.getCommandName();
        String function = "_" + program.replaceAll("[^A-Za-z0-9_]", "_") + "_names";
        String commands = String.join("|", CompleteCommand.commandsTakingNames(root.getCommandSpec()));
        return AutoComplete.bash(program, root) + """

                # Stack and app names: asked from `%1$s __complete` after --stack and after the commands that take a
                # name (the daemon, the stacks folder of --repo, or the NAS); anything else, or no answer, goes to the
                # completion above.
                %2$s() {
                  # zsh (bashcompinit) numbers arrays from 1; the words below are counted as bash counts them
                  [[ -n "$ZSH_VERSION" ]] && setopt localoptions ksharrays
                  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" wants="" i
                  (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
                  if [[ "$cur" != -* ]]; then
                    [[ "$prev" == --stack ]] && wants=1
                    for (( i = 1; i < COMP_CWORD; i++ )); do
                      case "${COMP_WORDS[i]}" in
                        %3$s) wants=1 ;;
                      esac
                    done
                  fi
                  if [[ -n "$wants" ]]; then
                    local IFS=$'\\n'
                    local -a names
                    names=( $("${COMP_WORDS[0]}" %4$s -- "${COMP_WORDS[@]:1:$COMP_CWORD}" 2>/dev/null) )
                    if (( ${#names[@]} > 0 )); then
                      COMPREPLY=( "${names[@]}" )
                      return 0
                    fi
                  fi
                  _complete_%1$s "$@"
                }

                complete -F %2$s -o default %1$s %1$s.sh %1$s.bash
                """.formatted(program, function, commands, CompleteCommand.NAME);
    }

    /** A fish script: commands, subcommands and long options from the command tree, names from __complete. */
    static String fish(CommandLine root) {
        String program = root.getCommandName();
        String prefix = "__" + program.replaceAll("[^A-Za-z0-9_]", "_");
        StringBuilder s = new StringBuilder();
        s.append("# fish completion for ").append(program).append(" (generated by `").append(program)
                .append(" completion --shell fish`)\n");
        s.append("complete -c ").append(program).append(" -e\n");
        s.append("complete -c ").append(program).append(" -f\n\n");
        s.append("""
                # the words typed so far, without the program: the command path and what follows it
                function %1$s_words
                    set -l words (commandline -opc)
                    set -e words[1]
                    printf '%%s\\n' $words
                end

                # whether the command path typed so far is exactly $argv (options and their values skipped)
                function %1$s_at
                    set -l path
                    for w in (%1$s_words)
                        string match -q -- '-*' $w; and continue
                        set -a path $w
                    end
                    test "$path" = "$argv"
                end

                # whether the command path typed so far starts with $argv (for the options of that command)
                function %1$s_in
                    set -l path
                    for w in (%1$s_words)
                        string match -q -- '-*' $w; and continue
                        set -a path $w
                    end
                    set -l n (count $argv)
                    test (count $path) -ge $n; or return 1
                    test "$path[1..$n]" = "$argv"
                end

                # stack and app names from `%2$s __complete`, after --stack and after the commands that take a name
                function %1$s_names
                    set -l words (%1$s_words)
                    set -l cur (commandline -ct)
                    string match -q -- '-*' $cur; and return
                    set -l wants
                    test (count $words) -gt 0; and test "$words[-1]" = --stack; and set wants 1
                    for w in $words
                        contains -- $w %3$s; and set wants 1
                    end
                    test -n "$wants"; or return
                    set -l program (commandline -opc)[1]
                    command $program %4$s -- $words $cur 2>/dev/null
                end

                complete -c %2$s -a '(%1$s_names)'

                """.formatted(prefix, program, String.join(" ", CompleteCommand.commandsTakingNames(root.getCommandSpec())),
                CompleteCommand.NAME));
        fishCommands(s, program, prefix, root.getCommandSpec(), new ArrayList<>());
        return s.toString();
    }

    private static void fishCommands(StringBuilder s, String program, String prefix, CommandSpec command,
            List<String> path) {
        String at = "'" + prefix + "_at" + (path.isEmpty() ? "" : " " + String.join(" ", path)) + "'";
        String in = path.isEmpty() ? at : "'" + prefix + "_in " + String.join(" ", path) + "'";
        for (OptionSpec o : command.options()) {
            if (o.hidden() || !o.longestName().startsWith("--")) {
                continue;
            }
            s.append("complete -c ").append(program).append(" -n ").append(in).append(" -l ")
                    .append(o.longestName().substring(2));
            for (String name : o.names()) {
                if (name.length() == 2 && name.startsWith("-")) {
                    s.append(" -s ").append(name.substring(1));
                }
            }
            if (o.arity().min() > 0) {
                s.append(" -r");
                // fish completes an option's value only from what that option declares
                s.append("--stack".equals(o.longestName()) ? " -f -a '(" + prefix + "_names)'" : " -F");
            }
            s.append(" -d ").append(quote(firstLine(o.description()))).append('\n');
        }
        for (var e : command.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || !e.getKey().equals(sub.name())) {
                continue;
            }
            s.append("complete -c ").append(program).append(" -n ").append(at).append(" -a ").append(quote(sub.name()))
                    .append(" -d ").append(quote(firstLine(sub.usageMessage().description()))).append('\n');
        }
        for (var e : command.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || !e.getKey().equals(sub.name())) {
                continue;
            }
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.name());
            fishCommands(s, program, prefix, sub, subPath);
        }
    }

    private static String firstLine(String[] description) {
        if (description == null || description.length == 0) {
            return "";
        }
        String text = description[0].replaceAll("\\s+", " ").strip();
        int stop = text.indexOf(". ");
        text = stop > 0 ? text.substring(0, stop) : text;
        return text.length() > 80 ? text.substring(0, 79) + "…" : text;
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
