package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.git.GitErrorClassifier.Cause;
import io.truenasgitops.git.GitSourceException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a JGit failure means: the first matching rule wins, in the order of {@link Cause}. */
class GitErrorClassifierTest {

    record Row(String name, Throwable failure, Cause cause) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() throws Exception {
        URIish repo = new URIish("https://git.example/team/stacks.git");
        return Stream.of(
                new Row("an unknown host", new TransportException("error", new UnknownHostException("git.example")),
                        Cause.UNKNOWN_HOST),
                new Row("an untrusted certificate", new TransportException("error", new SSLException("handshake")),
                        Cause.TLS),
                new Row("a PKIX message", new TransportException(repo + ": PKIX path building failed"), Cause.TLS),
                new Row("a socket timeout", new TransportException("error", new SocketTimeoutException("Read")),
                        Cause.TIMEOUT),
                new Row("a timed out message", new TransportException(repo + ": connection timed out"),
                        Cause.TIMEOUT),
                new Row("a refused connection", new TransportException("error", new ConnectException("refused")),
                        Cause.UNREACHABLE),
                new Row("no route to host", new TransportException("error", new NoRouteToHostException("no route")),
                        Cause.UNREACHABLE),
                new Row("an http 401", new TransportException(repo + ": not authorized"), Cause.AUTH),
                new Row("an http 403 on a push", new TransportException(repo + ": git-receive-pack not permitted on '"
                        + repo + "'"), Cause.AUTH),
                new Row("an ssh auth fail", new TransportException("ssh://git@git.example/r.git: Auth fail"),
                        Cause.AUTH),
                new Row("no credentials provider", new TransportException(repo
                        + ": Authentication is required but no CredentialsProvider has been registered"), Cause.AUTH),
                new Row("a missing repository", new NoRemoteRepositoryException(repo, "not found"),
                        Cause.NOT_FOUND),
                new Row("an invalid remote", new InvalidRemoteException("Invalid remote: origin"), Cause.NOT_FOUND),
                new Row("a wanted object the server refuses", new TransportException(repo
                        + ": want 0123456789abcdef0123456789abcdef01234567 not valid"), Cause.BAD_REF),
                new Row("not our ref", new TransportException(repo + ": not our ref"), Cause.BAD_REF),
                new Row("a timeout that also says not authorized: the earlier rule wins",
                        new TransportException(repo + ": timed out; not authorized"), Cause.TIMEOUT),
                new Row("anything else", new TransportException(repo + ": unexpected end of stream"), Cause.OTHER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachFailureHasOneCause(Row row) {
        assertThat(GitErrorClassifier.classify(row.failure())).isEqualTo(row.cause());
    }

    @Test
    void onlyNetworkAndTimeoutCausesAreRetryable() {
        assertThat(Stream.of(Cause.values()).filter(c -> c.kind.isRetryable()))
                .containsExactlyInAnyOrder(Cause.UNKNOWN_HOST, Cause.TIMEOUT, Cause.UNREACHABLE, Cause.OTHER);
        assertThat(Cause.AUTH.kind).isEqualTo(Kind.AUTH);
    }

    @Test
    void aMissingObjectIsLocalCorruptionUnlessTheTransportFailed() {
        MissingObjectException missing = new MissingObjectException(ObjectId.zeroId(), "blob");
        assertThat(GitErrorClassifier.isLocalCorruption(new RuntimeException("read", missing))).isTrue();
        assertThat(GitErrorClassifier.isLocalCorruption(new TransportException("fetch", missing))).isFalse();
        assertThat(GitErrorClassifier.isLocalCorruption(new RuntimeException("other"))).isFalse();
    }

    @Test
    void theRootMessageIsTheInnermostOneThatSaysSomething() {
        Throwable e = new TransportException("error", new RuntimeException("", new ConnectException("refused")));
        assertThat(GitErrorClassifier.rootMessage(e)).isEqualTo("refused");
        assertThat(GitErrorClassifier.rootMessage(new RuntimeException())).isEqualTo("RuntimeException");
    }
}
