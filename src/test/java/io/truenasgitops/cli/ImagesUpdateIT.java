package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.DockerTestEngine;
import io.truenasgitops.emulator.LoopbackRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code images update} against a real registry (Debian's docker-registry on 127.0.0.1, images pushed by the real
 * engine, made from busybox: nothing pulled) and a real Git repository: the tag moves in the compose file, only that
 * file is committed, signed off, and a tag outside the policy changes nothing.
 */
class ImagesUpdateIT {

    private static final String SUFFIX = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    @TempDir
    Path tmp;

    LoopbackRegistry registry;
    Path repo;
    String repository;

    @BeforeEach
    void registryWithTwoTagsAndARepository() throws Exception {
        DockerTestEngine.requireEngine();
        registry = LoopbackRegistry.start(tmp.resolve("registry"));
        repository = "tge2e-images-" + SUFFIX;
        push("1.0.0", "1.1.0");
        repo = Files.createDirectories(tmp.resolve("repo"));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.getRepository().getConfig().setString("user", null, "name", "Repo Owner");
            git.getRepository().getConfig().setString("user", null, "email", "owner@example.invalid");
            git.getRepository().getConfig().save();
        }
        RepoCommits.commit(repo, "stacks/web/stack.yaml", "imagePolicy:\n  semver: \"^1\"\n");
        RepoCommits.commit(repo, "stacks/web/compose.yaml", """
                services:
                  web:
                    # the site itself
                    image: "%s"
                    ports: ["8080:80"]
                """.formatted(registry.reference(repository, "1.0.0")));
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private void push(String... tags) throws Exception {
        registry.pushTags(repository, tmp, tags);
    }

    private record Run(int exit, String out, String err) {}

    private Run images(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new ImagesCommand()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private List<RevCommit> log() throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            return StreamSupport.stream(git.log().call().spliterator(), false).toList();
        }
    }

    @Test
    void aNewerTagInThePolicyIsCommittedToTheComposeFileAloneAndSignedOff() throws Exception {
        Files.writeString(repo.resolve("notes.txt"), "work in progress, not mine to commit\n");
        String before = Files.readString(repo.resolve("stacks/web/compose.yaml"));

        Run run = images("images", "update", repo.toString(), "--commit");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readString(repo.resolve("stacks/web/compose.yaml")))
                .isEqualTo(before.replace(repository + ":1.0.0", repository + ":1.1.0"));
        RevCommit head = log().get(0);
        assertThat(head.getFullMessage()).startsWith("images: web/web 1.0.0 -> 1.1.0\n")
                .contains("- web/web: " + registry.reference(repository, "1.0.0") + " -> "
                        + registry.reference(repository, "1.1.0") + " (semver ^1)")
                .endsWith("Signed-off-by: Repo Owner <owner@example.invalid>\n");
        try (Git git = Git.open(repo.toFile())) {
            assertThat(git.status().call().getUntracked()).containsExactly("notes.txt");
            assertThat(git.status().call().isClean()).isFalse();
            assertThat(git.status().call().getModified()).isEmpty();
        }
        assertThat(run.out().lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("STACK", "SERVICE", "IMAGE", "NEW", "TAG", "RESULT");
        assertThat(run.out().lines().skip(1).findFirst().orElseThrow().split("\\s+"))
                .containsExactly("web", "web", registry.reference(repository, "1.0.0"), "1.1.0", "committed");
        assertThat(run.out()).contains("1 image updated in 1 file; committed " + head.getName().substring(0, 12));
    }

    @Test
    void aTagOutsideThePolicyChangesNothingAndASecondRunIsUpToDate() throws Exception {
        assertThat(images("images", "update", repo.toString(), "--commit").exit()).isZero();
        int commits = log().size();
        push("2.0.0", "1.2.0-rc.1");
        String compose = Files.readString(repo.resolve("stacks/web/compose.yaml"));

        Run run = images("images", "update", repo.toString(), "--commit");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("up to date").endsWith("every image with a policy is up to date\n");
        assertThat(Files.readString(repo.resolve("stacks/web/compose.yaml"))).isEqualTo(compose);
        assertThat(log()).hasSize(commits);
    }

    /** The ```sh and ```yaml blocks of docs/stacks.md's section "Image updates through Git", in order. */
    private static List<List<String>> docBlocks(String language) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("docs/stacks.md"));
        int from = lines.indexOf("## Image updates through Git");
        assertThat(from).as("docs/stacks.md has the section").isNotNegative();
        List<List<String>> blocks = new java.util.ArrayList<>();
        List<String> block = null;
        for (int i = from + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String l = lines.get(i);
            if (block == null && l.equals("```" + language)) {
                block = new java.util.ArrayList<>();
            } else if (block != null && l.equals("```")) {
                blocks.add(block);
                block = null;
            } else if (block != null) {
                block.add(l);
            }
        }
        return blocks;
    }

    @Test
    void theDocsCommandsListCommitAndPushTheUpdateAsShown() throws Exception {
        Path remote = tmp.resolve("remote.git");
        Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
        try (Git git = Git.open(repo.toFile())) {
            git.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(remote.toUri().toString())).call();
            git.push().setRemote("origin").add("main").call();
            var config = git.getRepository().getConfig();
            config.setString("branch", "main", "remote", "origin");
            config.setString("branch", "main", "merge", "refs/heads/main");
            config.save();
        }
        List<String> commands = docBlocks("sh").stream().flatMap(List::stream).toList();
        assertThat(commands).hasSize(3);
        Run dry = images(args(commands.get(0)));
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("1 image would be updated (dry run: nothing written)");
        Run commit = images(args(commands.get(1)));
        assertThat(commit.exit()).as(commit.err()).isZero();
        assertThat(commands.get(2)).isEqualTo("git -C path/to/your/repo push");
        Process push = new ProcessBuilder("git", "-C", repo.toString(), "push").redirectErrorStream(true).start();
        String pushed = new String(push.getInputStream().readAllBytes());
        assertThat(push.waitFor()).as(pushed).isZero();
        try (Git bare = Git.open(remote.toFile())) {
            assertThat(bare.getRepository().resolve("refs/heads/main").getName()).isEqualTo(log().get(0).getName());
        }
    }

    private String[] args(String docLine) {
        assertThat(docLine).startsWith("truenas-gitops images update ");
        return docLine.replace("path/to/your/repo", repo.toString()).replaceFirst("^truenas-gitops ", "").split(" ");
    }

    @Test
    void theDocsPolicyExampleReadsWithoutAProblem() throws Exception {
        String yaml = String.join("\n", docBlocks("yaml").get(0));
        var loaded = io.truenasgitops.compose.YamlLoader.load(yaml, "stack.yaml");
        List<io.truenasgitops.compose.Problem> problems = new java.util.ArrayList<>();
        var policies = io.truenasgitops.images.ImagePolicyReader.read(((java.util.Map<?, ?>) loaded.root())
                .get("imagePolicy"), loaded.sourceMap(), problems);
        assertThat(problems).isEmpty();
        assertThat(policies).containsOnlyKeys("web", "db", "minio");
        assertThat(io.truenasgitops.images.TagChoice.newest(policies.get("minio"), List.of(
                "RELEASE.2024-05-01T10-00-00Z", "RELEASE.2024-11-20T08-15-00Z"))).contains("RELEASE.2024-11-20T08-15-00Z");
    }

    @Test
    void aDryRunListsTheUpdateAndWritesNothing() throws Exception {
        String compose = Files.readString(repo.resolve("stacks/web/compose.yaml"));
        int commits = log().size();

        Run run = images("images", "update", repo.toString(), "--dry-run", "-o", "json");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"result\" : \"would-update\"").contains("\"to\" : \"1.1.0\"")
                .contains("\"dryRun\" : true");
        assertThat(Files.readString(repo.resolve("stacks/web/compose.yaml"))).isEqualTo(compose);
        assertThat(log()).hasSize(commits);
    }
}
