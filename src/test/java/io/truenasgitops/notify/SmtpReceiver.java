package io.truenasgitops.notify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server on 127.0.0.1 for the tests: EHLO, STARTTLS (with a self-signed certificate), AUTH PLAIN,
 * MAIL, RCPT, DATA, QUIT. Records every command (with whether TLS was on) and every message.
 */
final class SmtpReceiver implements AutoCloseable {

    /** A command as received, and whether the connection was encrypted at that point. */
    record Command(String line, boolean tls) {}

    final List<Command> commands = new CopyOnWriteArrayList<>();
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<String> logins = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final TestCertificate cert;
    private final boolean offerStartTls;
    private final Thread thread;

    SmtpReceiver(TestCertificate cert, boolean offerStartTls) throws IOException {
        this.cert = cert;
        this.offerStartTls = offerStartTls;
        this.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "smtp-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                session(s);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    failures.add(e.toString());
                }
            }
        }
    }

    private void session(Socket plain) throws IOException {
        Socket socket = plain;
        boolean tls = false;
        BufferedReader in = reader(socket);
        OutputStream out = socket.getOutputStream();
        reply(out, "220 smtp.test ESMTP ready");
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(new Command(line, tls));
            String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> {
                    List<String> lines = new ArrayList<>(List.of("smtp.test greets you"));
                    if (offerStartTls && !tls) {
                        lines.add("STARTTLS");
                    }
                    if (tls) {
                        lines.add("AUTH PLAIN");
                    }
                    lines.add("8BITMIME");
                    for (int i = 0; i < lines.size(); i++) {
                        reply(out, "250" + (i < lines.size() - 1 ? "-" : " ") + lines.get(i));
                    }
                }
                case "STARTTLS" -> {
                    reply(out, "220 go ahead");
                    SSLSocket ssl = (SSLSocket) cert.serverContext.getSocketFactory().createSocket(socket,
                            socket.getInetAddress().getHostAddress(), socket.getPort(), true);
                    ssl.setUseClientMode(false);
                    try {
                        ssl.startHandshake();
                    } catch (IOException e) {
                        failures.add("handshake: " + e.getMessage());
                        return;
                    }
                    socket = ssl;
                    tls = true;
                    in = reader(socket);
                    out = socket.getOutputStream();
                }
                case "AUTH" -> {
                    String decoded = new String(Base64.getDecoder().decode(line.split(" ")[2]), StandardCharsets.UTF_8);
                    logins.add(decoded.replace('\0', '|'));
                    reply(out, "235 2.7.0 accepted");
                }
                case "MAIL", "RCPT" -> reply(out, "250 ok");
                case "DATA" -> {
                    reply(out, "354 end with a dot");
                    StringBuilder data = new StringBuilder();
                    String d;
                    while ((d = in.readLine()) != null && !d.equals(".")) {
                        data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
                    }
                    messages.add(data.toString());
                    reply(out, "250 queued");
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "502 not implemented");
            }
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
