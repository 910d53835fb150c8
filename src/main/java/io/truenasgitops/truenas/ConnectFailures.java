package io.truenasgitops.truenas;

import io.vertx.core.http.UpgradeRejectedException;
import java.net.ConnectException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Why a connection could not be made, in words that say what to do: a pure translation of the transport's
 * exception (TLS trust, handshake timeout, refused upgrade, unix socket, refused TCP connection).
 */
final class ConnectFailures {

    private ConnectFailures() {}

    /**
     * A connect or handshake failure as the error a caller acts on: {@code pinMismatch} and
     * {@code certificateSeen} are what the TLS trust recorded during the attempt (null when nothing).
     */
    static TrueNasException translate(Throwable e, Endpoint endpoint, String pinMismatch, String certificateSeen,
            Duration connectTimeout) {
        if (e instanceof TrueNasException tne) {
            return tne;
        }
        String where = endpoint.describe();
        if (pinMismatch != null) {
            return new TlsTrustException("the TLS certificate of " + where + " does not match the pinned fingerprint: "
                    + pinMismatch + "; if the NAS's certificate was renewed on purpose, check the new one in the"
                    + " TrueNAS UI and pin it, otherwise someone may be intercepting the connection", e);
        }
        if (causedBy(e, io.netty.handler.ssl.SslHandshakeTimeoutException.class)) {
            // A slow handshake is load or a stalled path, not a verdict on the certificate: retry, don't stall.
            return new ConnectionLostException("the TLS handshake with " + where + " did not finish within "
                    + MiddlewareClient.human(connectTimeout) + " (" + rootMessage(e) + "): the NAS or this machine is"
                    + " overloaded, or something between them holds the connection", e);
        }
        if (causedBy(e, io.netty.handler.ssl.NotSslRecordException.class)) {
            // The first bytes back were not TLS (netty's message is a hex dump of them): a plain HTTP port.
            return new InvalidSettingsException("cannot connect to " + where + ": the port answers plain HTTP, not"
                    + " TLS: is it the NAS's HTTPS port? (the TrueNAS web UI's HTTPS port, usually 443; a plain"
                    + " HTTP port takes ws://, which sends the API key unencrypted)", e);
        }
        if (causedBy(e, javax.net.ssl.SSLHandshakeException.class)
                || causedBy(e, java.security.cert.CertificateException.class)) {
            String seen = certificateSeen;
            return new TlsTrustException("the TLS certificate of " + where + " is not trusted (" + rootMessage(e)
                    + "); if it is the NAS's own (self-signed) certificate, check its fingerprint in the TrueNAS UI"
                    + " and pin it with --tls-fingerprint" + (seen == null ? "" : " (the server presented " + seen + ")")
                    + ", or trust its CA with --ca-file", e);
        }
        if (causedBy(e, SSLException.class)) {
            return new ConnectionLostException("TLS with " + where + " failed (" + rootMessage(e) + "); check that"
                    + " the URL's port serves HTTPS (the TrueNAS web UI's port, usually 443) and that the NAS is up", e);
        }
        if (e instanceof UpgradeRejectedException rejected) {
            // A 5xx is a middleware starting, restarting or overloaded; a 404 or 24.10's redirect to the UI (302)
            // says the path does not exist on this release.
            String hint = rejected.getStatus() >= 500 ? " (the middleware is starting, restarting or overloaded);"
                    + " it is retried"
                    : endpoint.protocol() != Protocol.JSONRPC ? ""
                    : endpoint.isUnixSocket()
                            ? "; TrueNAS 24.10 has no /api/current: drop --protocol JSONRPC (or use LEGACY)"
                            : "; TrueNAS 24.10 has no /api/current: use " + (endpoint.tls() ? "wss://" : "ws://")
                                    + endpoint.hostForUri() + "/websocket or no path at all";
            return new ConnectionLostException("the NAS at " + where + " refused the WebSocket upgrade (HTTP "
                    + rejected.getStatus() + ")" + hint, e);
        }
        if (endpoint.isUnixSocket()) {
            return UnixSocketProblem.explain(endpoint.socketPath(), e, MiddlewareClient.ownUid());
        }
        if (causedBy(e, ConnectException.class)) {
            return new ConnectionLostException("cannot connect to " + where + ": " + rootMessage(e)
                    + "; check the URL and that the NAS is up", e);
        }
        return new ConnectionLostException("cannot connect to " + where + ": " + rootMessage(e), e);
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
