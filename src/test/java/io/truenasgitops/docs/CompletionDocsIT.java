package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the completion lines of docs/cli-apps.md, each in the shell its comment names, in a fresh home (no
 * completion folders yet), then completes a stack name offline (from a stacks folder) with what they installed.
 */
class CompletionDocsIT {

    @TempDir
    Path home;

    Path bin;

    @Test
    void theCompletionLinesOfCliAppsInstallScriptsThatCompleteStackNamesInEachShell() throws Exception {
        Path doc = Path.of("docs/cli-apps.md");
        List<String> raw = Files.readAllLines(doc);
        MarkdownCommands page = MarkdownCommands.read(doc);
        MarkdownCommands.Block block = page.blocks().stream()
                .filter(b -> b.lines().stream().anyMatch(l -> l.contains("truenas-gitops completion"))).findFirst()
                .orElseThrow();
        List<MarkdownCommands.Command> commands = page.commands().stream()
                .filter(c -> c.line() >= block.line() && c.line() < block.line() + block.lines().size()).toList();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(5);
        bin = Files.createDirectories(home.resolve("bin"));
        Files.writeString(bin.resolve("truenas-gitops"), "#!/bin/sh\nexec '"
                + Path.of(System.getProperty("java.home"), "bin", "java") + "' -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' io.truenasgitops.cli.ShortMain \"$@\"\n");
        bin.resolve("truenas-gitops").toFile().setExecutable(true);
        Path repo = home.resolve("repo");
        Files.createDirectories(repo.resolve("stacks/traefik"));
        Files.writeString(repo.resolve("stacks/traefik/compose.yaml"), "services: {}\n");

        for (MarkdownCommands.Command c : commands) {
            String line = raw.get(c.line() - 1);
            String shell = line.contains("# zsh") ? "zsh" : line.contains("# fish") ? "fish" : "bash";
            if (!shell.equals("bash") && !installed(shell)) {
                continue;
            }
            String check = !c.text().startsWith("source ") ? ""
                    : shell.equals("zsh") ? "; whence -w _truenas_gitops_names" : "; complete -p truenas-gitops";
            String out = run(shell, "-c", c.text() + check);
            if (c.text().startsWith("source ")) {
                assertThat(out).as(c.toString()).contains("_truenas_gitops_names");
            }
        }

        Path bash = home.resolve(".local/share/bash-completion/completions/truenas-gitops");
        assertThat(run("bash", "-c", "source '" + bash + "'; COMP_WORDS=(truenas-gitops sync --repo '" + repo
                + "' --stack t); COMP_CWORD=5; _truenas_gitops_names; printf '<%s>\\n' \"${COMPREPLY[@]}\"").lines())
                .containsExactly("<traefik>");
        if (installed("fish")) {
            Path fish = home.resolve(".config/fish/completions/truenas-gitops.fish");
            assertThat(fish).isRegularFile();
            // fish loads it from that folder by itself
            assertThat(run("fish", "-c", "complete -C \"truenas-gitops sync --repo '" + repo + "' --stack t\"").lines()
                    .map(l -> l.split("\t")[0])).containsExactly("traefik");
        }
    }

    static boolean installed(String shell) {
        return Files.isExecutable(Path.of("/usr/bin", shell)) || Files.isExecutable(Path.of("/bin", shell));
    }

    String run(String... command) throws Exception {
        assumeThat(installed(command[0])).as(command[0] + " installed").isTrue();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(home.toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_CONFIG_HOME");
        pb.environment().remove("XDG_DATA_HOME");
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + text).isZero();
        return text;
    }
}
