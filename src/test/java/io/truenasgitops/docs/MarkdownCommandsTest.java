package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownCommandsTest {

    private static MarkdownCommands parse(String markdown) {
        return MarkdownCommands.parse(Path.of("doc.md"), markdown.lines().toList());
    }

    @Test
    void shBlockLinesAreCommandsWithContinuationsJoinedAndCommentsDropped() {
        MarkdownCommands doc = parse("""
                Intro `inline code`.

                ```sh
                # a comment line
                export A=1            # from step 3
                java -jar app.jar plan --repo x \\
                    --secrets-dir y

                echo "not # a comment" '#nor this' a#b
                ```
                """);
        assertThat(doc.commands()).extracting(MarkdownCommands.Command::text).containsExactly(
                "export A=1", "java -jar app.jar plan --repo x --secrets-dir y", "echo \"not # a comment\" '#nor this' a#b");
        assertThat(doc.commands()).extracting(MarkdownCommands.Command::line).containsExactly(5, 6, 9);
        assertThat(doc.commands()).allMatch(c -> !c.prompt() && c.shown().isEmpty());
        assertThat(doc.inlineCode()).extracting(MarkdownCommands.InlineCode::text).containsExactly("inline code");
    }

    @Test
    void promptLinesOfOutputBlocksAreCommandsWithTheOutputShownUnderThem() {
        MarkdownCommands doc = parse("""
                ```
                $ tool apps list   # the apps
                NAME  STATE
                web   RUNNING
                $ tool plan
                Plan: 0 to create.

                ```
                ```
                INFO  [x] a log line
                ```
                """);
        assertThat(doc.commands()).extracting(MarkdownCommands.Command::text).containsExactly("tool apps list", "tool plan");
        assertThat(doc.commands().get(0).shown()).containsExactly("NAME  STATE", "web   RUNNING");
        assertThat(doc.commands().get(1).shown()).containsExactly("Plan: 0 to create.", "");
        assertThat(doc.commands()).allMatch(MarkdownCommands.Command::prompt);
        assertThat(doc.blocks()).hasSize(2);
        assertThat(doc.blocks().get(1).hasPrompt()).isFalse();
        assertThat(doc.blocks().get(1).lines()).containsExactly("INFO  [x] a log line");
    }

    @Test
    void blocksInOtherLanguagesHoldNoCommands() {
        MarkdownCommands doc = parse("""
                ```yaml
                $ not: a command
                ```
                """);
        assertThat(doc.blocks()).extracting(MarkdownCommands.Block::info).containsExactly("yaml");
        assertThat(doc.commands()).isEmpty();
    }

    @Test
    void anUnclosedFenceOrADanglingContinuationIsAnError() {
        assertThatThrownBy(() -> parse("```sh\necho a\n")).hasMessageContaining("never closed");
        assertThatThrownBy(() -> parse("```sh\necho a \\\n```\n")).hasMessageContaining("continuation");
    }

    @Test
    void normalisationHidesWhatChangesFromRunToRun() {
        List<String> lines = DocWalk.normalizedLines("""
                2026-11-26 07:52:52,693 INFO  [io.truenasgitops.reconcile.Reconciler] (reconcile-loop) pass at 9f7e8c13c9c8: success (4 writes, 4 actions) in PT16.615910797S
                INFO  [io.truenasgitops.reconcile.Reconciler] (reconcile-loop) pass at 9f7e8c13c9c8: success (1 writes, 4 actions) in 6.4 s
                Source: file:///tmp/truenas-gitops-demo-7687063192575834967/repo/ (ref HEAD, path /) at 777f3e14a4fd
                Target: wss://localhost:37813/api/current\s\s
                """);
        assertThat(lines).containsExactly(
                "INFO  [io.truenasgitops.reconcile.Reconciler] pass at <rev>: success (4 writes, 4 actions) in <duration>",
                "INFO  [io.truenasgitops.reconcile.Reconciler] pass at <rev>: success (1 writes, 4 actions) in <duration>",
                "Source: file://<demo>/repo/ (ref HEAD, path /) at <rev>",
                "Target: wss://localhost:<port>/api/current");
    }
}
