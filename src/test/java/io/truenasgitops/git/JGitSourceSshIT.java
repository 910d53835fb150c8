package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.git.GitSourceException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSH deploy keys and strict known_hosts checking against a loopback Apache MINA SSHD server. */
class JGitSourceSshIT {

    @TempDir
    Path tmp;

    TestRepo origin;
    TestGitSshServer server;
    KeyPair deployKey;
    Path keyFile;
    Path knownHosts;
    Path state;

    @BeforeEach
    void start() throws Exception {
        origin = TestRepo.create(tmp.resolve("origin"));
        origin.write("stacks/web/compose.yaml", "services: {}\n");
        origin.commit("first");
        deployKey = TestGitSshServer.ecKey();
        keyFile = tmp.resolve("deploy_key");
        TestGitSshServer.writePrivateKey(deployKey, keyFile);
        server = new TestGitSshServer(origin.git.getRepository(), deployKey.getPublic());
        knownHosts = tmp.resolve("known_hosts");
        state = tmp.resolve("state");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        origin.close();
    }

    private JGitSource source() {
        return new JGitSource(GitSettings.of(server.url(), "main", "stacks", state).withSsh(keyFile, knownHosts));
    }

    @Test
    void theDeployKeyAndAMatchingKnownHostsEntryFetch() throws Exception {
        Files.writeString(knownHosts, server.knownHostsLine(server.hostKey.getPublic()));
        try (JGitSource source = source()) {
            Snapshot s = source.fetch();
            assertThat(s.revision()).isEqualTo(origin.git.getRepository().resolve("HEAD").name());
            assertThat(s.root().resolve("web/compose.yaml")).exists();
            assertThat(s.sourceUrl()).isEqualTo(SourceIdentity.canonical(server.url()));
        }
        assertThat(server.uploads.get()).isPositive();
    }

    @Test
    void anUnknownHostKeyIsRefusedWithTheKeyscanCommand() throws Exception {
        Files.writeString(knownHosts, "");
        try (JGitSource source = source()) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.HOST_KEY);
                        assertThat(e.isRetryable()).isFalse();
                    })
                    .hasMessageContaining("127.0.0.1")
                    .hasMessageContaining("not in the known_hosts file " + knownHosts)
                    .hasMessageContaining("ssh-keyscan -p " + server.port() + " 127.0.0.1")
                    .hasMessageContaining(KeyUtils.getFingerPrint(server.hostKey.getPublic()));
        }
        assertThat(server.uploads.get()).as("nothing was served to an unverified connection").isZero();
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        KeyPair other = TestGitSshServer.ecKey();
        Files.writeString(knownHosts, server.knownHostsLine(other.getPublic()));
        try (JGitSource source = source()) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.HOST_KEY))
                    .hasMessageContaining("changed")
                    .hasMessageContaining(KeyUtils.getFingerPrint(server.hostKey.getPublic()))
                    .hasMessageContaining(KeyUtils.getFingerPrint(other.getPublic()));
        }
        assertThat(server.uploads.get()).isZero();
    }

    @Test
    void aKeyTheServerDoesNotKnowIsAnAuthError() throws Exception {
        Files.writeString(knownHosts, server.knownHostsLine(server.hostKey.getPublic()));
        TestGitSshServer.writePrivateKey(TestGitSshServer.ecKey(), keyFile);
        try (JGitSource source = source()) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                    .hasMessageContaining(keyFile.toString())
                    .message()
                    .doesNotContain("PRIVATE KEY");
        }
    }

    @Test
    void aFileThatIsNoPrivateKeyIsAConfigurationError() throws Exception {
        Files.writeString(knownHosts, server.knownHostsLine(server.hostKey.getPublic()));
        Files.writeString(keyFile, "not a key\n");
        try (JGitSource source = source()) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                    .hasMessageContaining("cannot use ssh key file " + keyFile);
        }
        assertThat(server.uploads.get()).isZero();
    }

    @Test
    void aMissingKnownHostsFileIsAConfigurationError() {
        try (JGitSource source = source()) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                    .hasMessageContaining(knownHosts.toString())
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void anSshUrlWithoutKnownHostsOrKeyIsRefusedUpFront() {
        assertThatThrownBy(() -> new JGitSource(GitSettings.of(server.url(), "main", "", state).withSsh(keyFile, null)))
                .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                .hasMessageContaining("known-hosts-file");
        assertThatThrownBy(() -> new JGitSource(GitSettings.of(server.url(), "main", "", state).withSsh(null, knownHosts)))
                .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                .hasMessageContaining("ssh-key-file");
    }
}
