package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.git.GitSourceException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS-style token authentication against a loopback smart-HTTP server demanding Basic auth. */
class JGitSourceHttpAuthIT {

    static final String TOKEN = "tok-3f9a1c77e0b2";

    @TempDir
    Path tmp;

    TestRepo origin;
    TestGitHttpServer server;
    Path tokenFile;
    Path state;

    @BeforeEach
    void start() throws Exception {
        origin = TestRepo.create(tmp.resolve("origin"));
        origin.write("stacks/web/compose.yaml", "services: {}\n");
        origin.commit("first");
        server = new TestGitHttpServer(origin.git.getRepository(), "git", TOKEN);
        tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, "  " + TOKEN + "\n");
        state = tmp.resolve("state");
    }

    @AfterEach
    void stop() {
        server.close();
        origin.close();
    }

    private GitSettings settings() {
        return GitSettings.of(server.url(), "main", "", state).withToken(tokenFile, "git");
    }

    @Test
    void theTokenFromTheFileIsSentAsBasicAuthAndTheFetchSucceeds() throws Exception {
        try (JGitSource source = new JGitSource(settings())) {
            Snapshot s = source.fetch();
            assertThat(s.revision()).isEqualTo(origin.git.getRepository().resolve("HEAD").name());
            assertThat(s.root().resolve("stacks/web/compose.yaml")).exists();
        }
        assertThat(server.authorizations).isNotEmpty().allMatch(basic("git", TOKEN)::equals);
        assertNoFileInStateContainsTheToken(TOKEN);
    }

    @Test
    void theTokenFileIsReadAgainAtEachFetch() throws Exception {
        try (JGitSource source = new JGitSource(settings())) {
            source.fetch();
            String rotated = "tok-rotated-55d1";
            Files.writeString(tokenFile, rotated);
            server.accept("git", rotated);
            server.authorizations.clear();
            origin.write("b.txt", "b\n");
            String next = origin.commit("second");
            assertThat(source.fetch().revision()).isEqualTo(next);
            assertThat(server.authorizations).isNotEmpty().allMatch(basic("git", rotated)::equals);
        }
    }

    @Test
    void aRejectedTokenIsAnAuthErrorThatDoesNotShowTheToken() throws Exception {
        server.accept("git", "the-right-one");
        try (JGitSource source = new JGitSource(settings())) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.AUTH);
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.getMessage())
                                .contains(server.url())
                                .contains(tokenFile.toString())
                                .doesNotContain(TOKEN);
                        assertThat(e.toString()).doesNotContain(TOKEN);
                    });
            assertThat(source.lastGood()).isEmpty();
        }
        assertThat(server.authorizations).as("the credential was offered").contains(basic("git", TOKEN));
    }

    @Test
    void withoutATokenTheErrorSaysCredentialsAreNeeded() {
        try (JGitSource source = new JGitSource(GitSettings.of(server.url(), "main", "", state))) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                    .hasMessageContaining("token-file");
        }
        assertThat(server.authorizations).isEmpty();
    }

    @Test
    void anEmptyTokenFileIsAConfigurationError() throws Exception {
        Files.writeString(tokenFile, "\n");
        try (JGitSource source = new JGitSource(settings())) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                    .hasMessageContaining("is empty");
        }
    }

    @Test
    void credentialsInTheUrlAreUsedButNeverShown() throws Exception {
        String withCredentials = server.url().replace("http://", "http://git:" + TOKEN + "@");
        GitSettings settings = GitSettings.of(withCredentials, "main", "", state);
        try (JGitSource source = new JGitSource(settings)) {
            Snapshot s = source.fetch();
            assertThat(s.sourceUrl()).isEqualTo(SourceIdentity.canonical(server.url()));
            assertThat(s.toString()).doesNotContain(TOKEN);
            assertThat(source.describe()).doesNotContain(TOKEN).contains(server.url());
            assertThat(source.toString()).doesNotContain(TOKEN);
            assertThat(settings.toString()).doesNotContain(TOKEN);
        }
        assertThat(server.authorizations).contains(basic("git", TOKEN));
        assertNoFileInStateContainsTheToken(TOKEN);
        server.accept("git", "changed");
        try (JGitSource source = new JGitSource(settings.withRef("main"))) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.AUTH);
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).as("message of %s", t.getClass()).doesNotContain(TOKEN);
                        }
                    });
        }
    }

    @Test
    void aPinnedCommitIsFetchedFromAServerThatOnlyServesAdvertisedRefs() throws Exception {
        String pinned = origin.git.getRepository().resolve("HEAD").name();
        origin.write("b.txt", "b\n");
        origin.commit("second");
        try (JGitSource source = new JGitSource(settings().withRef(pinned))) {
            Snapshot s = source.fetch();
            assertThat(s.revision()).isEqualTo(pinned);
            assertThat(s.root().resolve("b.txt")).doesNotExist();
        }
    }

    @Test
    void aTokenIsNotSentInClearTextToARemoteHost() {
        GitSettings remote = GitSettings.of("http://git.example.invalid/org/repo.git", "main", "", state)
                .withToken(tokenFile, "git");
        assertThatThrownBy(() -> new JGitSource(remote))
                .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                .hasMessageContaining("https");
    }

    @Test
    void anImageUpdateCommitIsPushedOverHttpWithTheTokenAndLandsOnTheBranch() throws Exception {
        server.allowPush();
        try (JGitSource source = new JGitSource(settings())) {
            Snapshot base = source.fetch();
            String pushed = source.commitAndPush(base, java.util.Map.of("stacks/web/compose.yaml",
                    "services:\n  web:\n    image: nginx:1.27.3\n"), "images: web/web 1.27.2 -> 1.27.3",
                    new WorkingTreeCommit.Identity("truenas-gitops", "truenas-gitops@localhost"));

            var repo = origin.git.getRepository();
            assertThat(repo.resolve("refs/heads/main").name()).isEqualTo(pushed);
            try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
                var commit = walk.parseCommit(repo.resolve(pushed));
                assertThat(commit.getParent(0).name()).isEqualTo(base.revision());
                assertThat(commit.getFullMessage()).endsWith("Signed-off-by: truenas-gitops <truenas-gitops@localhost>\n");
                try (var tree = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, "stacks/web/compose.yaml",
                        commit.getTree())) {
                    assertThat(new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("services:\n  web:\n    image: nginx:1.27.3\n");
                }
            }
            assertThat(source.fetch().revision()).isEqualTo(pushed);
        }
        assertThat(server.requests).contains("POST /org/repo.git/git-receive-pack");
        assertThat(server.authorizations).isNotEmpty().allMatch(basic("git", TOKEN)::equals);
        assertNoFileInStateContainsTheToken(TOKEN);
    }

    @Test
    void aTokenThatMayNotPushIsRefusedWithoutTouchingTheBranchOrShowingTheToken() throws Exception {
        try (JGitSource source = new JGitSource(settings())) {
            Snapshot base = source.fetch();
            String before = origin.git.getRepository().resolve("refs/heads/main").name();

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.commitAndPush(base,
                    java.util.Map.of("stacks/web/compose.yaml", "services: {}\n"), "images: test",
                    new WorkingTreeCommit.Identity("truenas-gitops", "truenas-gitops@localhost")))
                    .isInstanceOfSatisfying(GitSourceException.class, e -> {
                        assertThat(e.getMessage()).startsWith("failed to push to ").doesNotContain(TOKEN);
                        assertThat(e.kind()).as(e.getMessage()).isEqualTo(GitSourceException.Kind.AUTH);
                    });
            assertThat(origin.git.getRepository().resolve("refs/heads/main").name()).isEqualTo(before);
        }
    }

    private static String basic(String user, String token) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    private void assertNoFileInStateContainsTheToken(String token) throws Exception {
        try (Stream<Path> files = Files.walk(state)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(token);
            }
        }
    }
}
