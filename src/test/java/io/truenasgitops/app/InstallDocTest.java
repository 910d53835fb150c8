package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/install.md is walked by {@code deploy/container-test.sh}: every command of its {@code sh} blocks (but those
 * marked, by an HTML comment just above, as needing a NAS or two machines) runs in that script, with the script's
 * own paths and addresses in place of the NAS's, and at most options of its own added. The script runs the daemon
 * as the compose file does: with every environment variable it sets.
 */
class InstallDocTest {

    static final Path DOC = Path.of("docs/install.md");
    static final Path SCRIPT = Path.of("deploy/container-test.sh");

    /** The NAS's names in the walk, and what the container test uses instead (longest first). */
    static final Map<String, String> SUBSTITUTIONS = new LinkedHashMap<>();

    static {
        SUBSTITUTIONS.put("/mnt/tank/apps/truenas-gitops-0.1.0.tar.gz", "$tarball");
        SUBSTITUTIONS.put("truenas-gitops-0.1.0.tar.gz", "$tarball");
        SUBSTITUTIONS.put("ghcr.io/truenas-gitops/truenas-gitops:0.1.0", "$image");
        SUBSTITUTIONS.put("/mnt/tank/apps/truenas-gitops", "$work/nas");
        SUBSTITUTIONS.put("http://nas.lan:8085", "http://$addr");
    }

    /** A shell block of the doc: its commands, and whether it is marked as not runnable off a NAS. */
    record Block(List<String> commands, boolean marked, int line) {}

    static List<Block> blocks() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals("```sh")) {
                continue;
            }
            boolean marked = i > 0 && lines.get(i - 1).startsWith("<!--") && lines.get(i - 1).endsWith("-->");
            List<String> commands = new ArrayList<>();
            int start = i + 1;
            StringBuilder command = new StringBuilder();
            for (i = start; !lines.get(i).equals("```"); i++) {
                String line = lines.get(i).replaceAll("\\s+#.*$", "").strip();
                if (line.endsWith("\\")) {
                    command.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                command.append(line);
                if (!command.toString().isBlank()) {
                    commands.add(command.toString().strip());
                }
                command.setLength(0);
            }
            blocks.add(new Block(commands, marked, start));
        }
        return blocks;
    }

    /** Words of a shell line: quotes dropped, split at blanks and parentheses (so $(curl ...) yields curl). */
    static List<String> words(String line) {
        return Arrays.stream(line.replace("\"", "").split("[\\s()]+")).filter(w -> !w.isEmpty()).toList();
    }

    /** The script's commands, continuation lines joined. */
    static List<List<String>> scriptCommands() throws IOException {
        List<List<String>> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String raw : Files.readAllLines(SCRIPT)) {
            String line = raw.strip();
            if (line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                command.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            commands.add(words(command.append(line).toString()));
            command.setLength(0);
        }
        return commands;
    }

    static boolean inOrder(List<String> wanted, List<String> words) {
        int next = 0;
        for (String w : words) {
            if (next < wanted.size() && w.equals(wanted.get(next))) {
                next++;
            }
        }
        return next == wanted.size();
    }

    static String substitute(String command) {
        String out = command;
        for (Map.Entry<String, String> e : SUBSTITUTIONS.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    @Test
    void everyRunnableCommandOfTheInstallWalkRunsInTheContainerTest() throws IOException {
        List<List<String>> script = scriptCommands();
        List<Block> blocks = blocks();
        List<String> runnable = blocks.stream().filter(b -> !b.marked()).flatMap(b -> b.commands().stream()).toList();
        assertThat(runnable).as("commands the container test must run").hasSizeGreaterThanOrEqualTo(14);
        for (String command : runnable) {
            List<String> wanted = words(substitute(command));
            assertThat(script).as("%s runs '%s' (as: %s)", SCRIPT, command, String.join(" ", wanted))
                    .anyMatch(words -> inOrder(wanted, words));
        }
    }

    @Test
    void onlyCommandsThatNeedANasOrTwoMachinesAreLeftOut() throws IOException {
        List<String> marked = blocks().stream().filter(Block::marked).flatMap(b -> b.commands().stream()).toList();
        assertThat(marked).allSatisfy(c -> assertThat(c).matches("(gh attestation verify|scp|zfs snapshot) .*"));
    }

    @Test
    void theWalkCreatesEverySecretTheComposeFileReadsAndTheExampleStacksNeed() throws IOException {
        String doc = Files.readString(DOC);
        String compose = Files.readString(ContainerArtifactsTest.COMPOSE);
        Matcher file = Pattern.compile("/run/secrets/([a-z-]+)").matcher(compose);
        int secrets = 0;
        while (file.find()) {
            assertThat(doc).as("docs/install.md writes the secret %s", file.group(1)).contains("$D/secrets/" + file.group(1));
            secrets++;
        }
        assertThat(secrets).isEqualTo(4);
        try (var examples = Files.list(Path.of("stacks-example/secrets.example"))) {
            examples.forEach(p -> assertThat(doc).contains("$D/stack-secrets/" + p.getFileName()));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theContainerTestRunsTheDaemonWithEveryVariableTheComposeFileSets() throws IOException {
        Map<String, Object> env = (Map<String, Object>) ContainerArtifactsTest.composeService().get("environment");
        String script = Files.readString(SCRIPT);
        assertThat(env).isNotEmpty();
        for (String key : env.keySet()) {
            assertThat(script).as("%s sets %s as compose.yaml does", SCRIPT, key).contains("-e " + key + "=");
        }
    }
}
