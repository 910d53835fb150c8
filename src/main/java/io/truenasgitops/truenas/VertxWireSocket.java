package io.truenasgitops.truenas;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.WebSocket;

/** A {@link WireSocket} over Vert.x's own WebSocket client (TCP and TLS). */
final class VertxWireSocket implements WireSocket {
    private final WebSocket ws;

    VertxWireSocket(WebSocket ws) {
        this.ws = ws;
    }

    @Override
    public Future<Void> writeText(String text) {
        return ws.writeTextMessage(text);
    }

    @Override
    public void textHandler(Handler<String> handler) {
        ws.textMessageHandler(handler);
    }

    @Override
    public void closeHandler(Handler<Void> handler) {
        ws.closeHandler(handler);
    }

    @Override
    public void exceptionHandler(Handler<Throwable> handler) {
        ws.exceptionHandler(handler);
    }

    @Override
    public Short closeStatusCode() {
        return ws.closeStatusCode();
    }

    @Override
    public String closeReason() {
        return ws.closeReason();
    }

    @Override
    public java.security.cert.X509Certificate peerCertificate() {
        if (!ws.isSsl() || ws.sslSession() == null) {
            return null;
        }
        try {
            java.security.cert.Certificate[] chain = ws.sslSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate x509 ? x509 : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    @Override
    public Future<Void> close() {
        return ws.close();
    }
}
