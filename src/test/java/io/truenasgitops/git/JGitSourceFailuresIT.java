package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.git.GitSourceException.Kind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unreachable, silent and missing remotes, and a damaged state directory. */
class JGitSourceFailuresIT {

    @TempDir
    Path tmp;

    TestRepo origin;
    Path state;

    @BeforeEach
    void createOrigin() throws Exception {
        origin = TestRepo.create(tmp.resolve("origin"));
        origin.write("stacks/web/compose.yaml", "services: {}\n");
        origin.commit("first");
        state = tmp.resolve("state");
    }

    @AfterEach
    void closeOrigin() {
        origin.close();
    }

    @Test
    void aRefusedConnectionIsARetryableNetworkError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/org/repo.git";
        try (JGitSource source = new JGitSource(GitSettings.of(url, "main", "", state))) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.NETWORK);
                        assertThat(e.isRetryable()).isTrue();
                    })
                    .hasMessageContaining(url);
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        // The kernel accepts connections into the backlog; nobody ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/org/repo.git";
            GitSettings settings = GitSettings.of(url, "main", "", state).withTimeout(Duration.ofSeconds(1));
            try (JGitSource source = new JGitSource(settings)) {
                assertThatThrownBy(source::fetch)
                        .isInstanceOfSatisfying(GitSourceException.class, e -> {
                            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                            assertThat(e.isRetryable()).isTrue();
                        })
                        .hasMessageContaining(url)
                        .hasMessageContaining("timeout");
            }
        }
    }

    @Test
    void aLocalPathThatIsNoRepositoryIsNotFound() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-a-repo"));
        try (JGitSource source = new JGitSource(GitSettings.of(empty.toString(), "main", "", state))) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                    .hasMessageContaining(empty.toString());
        }
    }

    @Test
    void aPlainLocalPathToARepositoryWorks() throws Exception {
        try (JGitSource source = new JGitSource(GitSettings.of(origin.dir.toString(), "main", "stacks", state))) {
            assertThat(source.fetch().root().resolve("web/compose.yaml")).exists();
        }
    }

    @Test
    void anEmptyRepositoryIsAnErrorNotAnEmptySnapshot() throws Exception {
        try (TestRepo empty = TestRepo.create(tmp.resolve("empty"));
                JGitSource source = new JGitSource(GitSettings.of(empty.url(), "", "", state))) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REF))
                    .hasMessageContaining("empty");
        }
    }

    @Test
    void aPinnedCommitAlreadyFetchedNeedsNoRemote() throws Exception {
        String pinned = origin.git.getRepository().resolve("HEAD").name();
        try (JGitSource source = new JGitSource(GitSettings.of(origin.url(), pinned, "", state))) {
            source.fetch();
            origin.close();
            CheckoutStore.deleteTree(origin.dir);
            Snapshot again = source.fetch();
            assertThat(again.revision()).isEqualTo(pinned);
            assertThat(again.root().resolve("stacks/web/compose.yaml")).exists();
        }
    }

    @Test
    void aCorruptCloneIsClonedAgainAndReportedOnce() throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(JGitSource.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try (JGitSource source = new JGitSource(GitSettings.of(origin.url(), "main", "", state))) {
            source.fetch();
            Path objects = state.resolve("repo.git/objects");
            try (Stream<Path> files = Files.walk(objects)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.delete(f);
                }
            }
            Files.writeString(state.resolve("repo.git/config"), "[core\n garbage = = =\n");
            origin.write("b.txt", "b\n");
            String next = origin.commit("second");

            Snapshot repaired = source.fetch();
            assertThat(repaired.revision()).isEqualTo(next);
            assertThat(repaired.root().resolve("b.txt")).exists();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getMessage()).contains("corrupt");

            origin.write("c.txt", "c\n");
            String third = origin.commit("third");
            assertThat(source.fetch().revision()).isEqualTo(third);
            assertThat(warnings).as("reported once, not at every fetch").hasSize(1);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aStateDirectoryOfAnotherRepositoryIsNotMistakenForThisOne() throws Exception {
        try (JGitSource source = new JGitSource(GitSettings.of(origin.url(), "main", "", state))) {
            source.fetch();
        }
        try (TestRepo other = TestRepo.create(tmp.resolve("other"))) {
            other.write("x.txt", "x\n");
            String otherHead = other.commit("other");
            try (JGitSource source = new JGitSource(GitSettings.of(other.url(), "main", "", state))) {
                assertThat(source.lastGood()).isEmpty();
                Snapshot s = source.fetch();
                assertThat(s.revision()).isEqualTo(otherHead);
                assertThat(s.root().resolve("stacks")).doesNotExist();
            }
        }
    }
}
