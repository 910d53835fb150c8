package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk refuses what it cannot honestly run: unknown commands, unmapped placeholders, inline commands. */
class DocWalkTest {

    private static MarkdownCommands doc(String markdown) {
        return MarkdownCommands.parse(Path.of("doc.md"), markdown.lines().toList());
    }

    @Test
    void aCommandNoStepKnowsFailsTheWalk() {
        DocWalk walk = new DocWalk().step("list", "tool list", (d, c, m) -> { });
        assertThatThrownBy(() -> walk.walk(doc("```sh\ntool list\ntool delete everything\n```\n")))
                .hasMessageContaining("line 3: tool delete everything")
                .hasMessageContaining("does not know this command");
    }

    @Test
    void aPlaceholderWithoutARowInTheTableFailsTheWalk() {
        DocWalk walk = new DocWalk().substitute("nas.lan", "localhost:1234")
                .step("connect", "tool --url \\S+ --repo \\S+", (d, c, m) -> { });
        assertThatThrownBy(() -> walk.walk(doc("```sh\ntool --url nas.lan --repo https://git.example.com/r.git\n```\n")))
                .hasMessageContaining("placeholder 'example.com' has no row");
    }

    @Test
    void stepsRunTheSubstitutedCommandInDocumentOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        DocWalk walk = new DocWalk().substitute("nas.lan:443", "127.0.0.1:9").substitute("nas.lan", "localhost:9")
                .step("probe", "probe (\\S+)", (d, c, m) -> seen.add(m.group(1)))
                .step("connect", "connect (\\S+)", (d, c, m) -> seen.add(m.group(1)));
        List<String> ran = walk.walk(doc("```sh\nconnect wss://nas.lan\nprobe nas.lan:443   # the TLS port\n```\n"));
        assertThat(ran).containsExactly("connect", "probe");
        assertThat(seen).containsExactly("wss://localhost:9", "127.0.0.1:9");
    }

    @Test
    void aCommandWrittenInlineOutsideABlockFailsTheWalk() {
        DocWalk walk = new DocWalk().step("list", "tool list", (d, c, m) -> { });
        assertThatThrownBy(() -> walk.walk(doc("Run `curl -s http://localhost:8080/q/metrics` to see.\n")))
                .hasMessageContaining("doc.md:1: `curl -s http://localhost:8080/q/metrics`");
    }

    @Test
    void theWalksShellRunsTruenasGitopsAsThePackagedLauncherFirstOnItsPath(@TempDir Path home) throws Exception {
        java.util.Map<String, String> env = DocWalk.cleanEnvironment(home);
        Path link = home.resolve(".local/bin/truenas-gitops");
        assertThat(Files.isSymbolicLink(link)).as(link + " is a symlink").isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(DocWalk.projectDir().resolve("target/quarkus-app/truenas-gitops"));
        assertThat(env.get("PATH")).startsWith(home.resolve(".local/bin") + ":");
        assertThat(env).containsEntry("HOME", home.toString()).containsEntry("JAVA_HOME", System.getProperty("java.home"));
    }
}
