package io.truenasgitops.emulator;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;

/** The peer's uid of a unix socket connection ({@code SO_PEERCRED}), as middlewared reads it in utils/origin.py. */
final class PeerCredentials {
    private PeerCredentials() {
    }

    /** The uid, or null when the connection is not an epoll unix socket or the kernel does not say. */
    static Integer uidOf(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return null;
        }
        Channel channel = base.channel();
        if (!(channel instanceof EpollDomainSocketChannel unix)) {
            return null;
        }
        try {
            return unix.peerCredentials().uid();
        } catch (IOException e) {
            return null;
        }
    }
}
