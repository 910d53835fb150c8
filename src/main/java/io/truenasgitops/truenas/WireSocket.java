package io.truenasgitops.truenas;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * One open WebSocket to the middleware, whatever carries it (TCP/TLS or a unix socket): the little the client
 * needs of it. Handlers run on the Vert.x context the socket was opened on.
 */
interface WireSocket {

    /** Sends one text message. */
    Future<Void> writeText(String text);

    /** Receives every complete text message. */
    void textHandler(Handler<String> handler);

    /** Called once when the connection is gone, gracefully or not. */
    void closeHandler(Handler<Void> handler);

    /** Called on transport errors (a close follows). */
    void exceptionHandler(Handler<Throwable> handler);

    /** The close code the server sent, or null when the connection dropped without a close frame. */
    Short closeStatusCode();

    /** The close reason the server sent, or null. */
    String closeReason();

    /**
     * The server's leaf certificate of a TLS connection, as the handshake presented it (whether or not it was
     * verified), for SCRAM's channel binding; null for a connection without TLS (plain or the unix socket).
     */
    default java.security.cert.X509Certificate peerCertificate() {
        return null;
    }

    /** Starts a graceful close; completes when the connection is gone. */
    Future<Void> close();
}
