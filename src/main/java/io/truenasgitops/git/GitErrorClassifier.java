package io.truenasgitops.git;

import io.truenasgitops.git.GitSourceException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;

/**
 * What a JGit failure means, from its exception types and, where JGit gives nothing better, its messages: a
 * pure function, first match wins, in the order of {@link Cause}. The host-key rejection of an SSH fetch is
 * told by {@link SshSupport}, not here.
 */
final class GitErrorClassifier {

    /** Why a fetch failed, finer than {@link Kind}: each cause has its own hint. */
    enum Cause {
        UNKNOWN_HOST(Kind.NETWORK),
        TLS(Kind.TLS),
        TIMEOUT(Kind.TIMEOUT),
        UNREACHABLE(Kind.NETWORK),
        AUTH(Kind.AUTH),
        NOT_FOUND(Kind.NOT_FOUND),
        BAD_REF(Kind.BAD_REF),
        OTHER(Kind.NETWORK);

        final Kind kind;

        Cause(Kind kind) {
            this.kind = kind;
        }
    }

    private GitErrorClassifier() {}

    static Cause classify(Throwable e) {
        String lower = allMessages(e).toLowerCase(Locale.ROOT);
        if (has(e, UnknownHostException.class)) {
            return Cause.UNKNOWN_HOST;
        }
        if (has(e, SSLException.class) || lower.contains("pkix") || lower.contains("certificate")) {
            return Cause.TLS;
        }
        if (has(e, SocketTimeoutException.class) || lower.contains("timed out") || lower.contains("timeout")) {
            return Cause.TIMEOUT;
        }
        if (has(e, ConnectException.class) || has(e, NoRouteToHostException.class)
                || lower.contains("connection refused")) {
            return Cause.UNREACHABLE;
        }
        if (lower.contains("not authorized") || lower.contains("authentication is required")
                || lower.contains("auth fail") || lower.contains("authentication not supported")
                || lower.contains("no more authentication methods") || lower.contains("permission denied")
                || lower.contains("authentication failed") || lower.contains(" 401") || lower.contains(" 403")
                // JGit's words for an HTTP 403 on git-receive-pack: the credentials may read but not push.
                || lower.contains("not permitted on")
                || lower.contains("cannot log in") || lower.contains("no credentialsprovider")
                || lower.contains("could not load identity") || lower.contains("no keys")) {
            return Cause.AUTH;
        }
        if (has(e, NoRemoteRepositoryException.class) || e instanceof InvalidRemoteException
                || lower.contains("not found") || lower.contains("does not appear to be a git repository")
                || lower.contains(" 404")) {
            return Cause.NOT_FOUND;
        }
        if (lower.contains("want ") && lower.contains("not valid")
                || lower.contains("not our ref") || lower.contains("no such ref")) {
            return Cause.BAD_REF;
        }
        return Cause.OTHER;
    }

    /** Whether the local clone, not the remote, is broken (a missing or corrupt object, an invalid pack). */
    static boolean isLocalCorruption(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransportException || t instanceof NoRemoteRepositoryException) {
                return false;
            }
            if (t instanceof MissingObjectException || t instanceof CorruptObjectException
                    || t instanceof org.eclipse.jgit.errors.PackInvalidException) {
                return true;
            }
        }
        return false;
    }

    static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String allMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(' ').append(t.getMessage());
        }
        return sb.toString();
    }

    /** The innermost message that says something (JGit's outer ones are often just "error"), redacted. */
    static String rootMessage(Throwable e) {
        String best = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t.getMessage();
            }
        }
        if (best == null || best.isBlank()) {
            best = e.getClass().getSimpleName();
        }
        return Redaction.text(best.strip());
    }
}
