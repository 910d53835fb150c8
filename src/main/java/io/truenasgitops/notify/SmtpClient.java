package io.truenasgitops.notify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal SMTP client (RFC 5321): EHLO, STARTTLS (RFC 3207) or TLS from the start, AUTH PLAIN (RFC 4616) only
 * over TLS, one message to several recipients. The server's certificate is checked against the host name.
 */
final class SmtpClient {

    /** An SMTP reply that is not the one expected. {@link #transientFailure()} for 4xx (try again later). */
    static final class SmtpException extends IOException {
        private final int code;

        SmtpException(String message, int code) {
            super(message);
            this.code = code;
        }

        boolean transientFailure() {
            return code >= 400 && code < 500;
        }
    }

    private record Reply(int code, List<String> lines) {
        String text() {
            return code + " " + String.join(" / ", lines);
        }
    }

    private final EmailSettings settings;
    private final SSLContext tls;
    private final Duration timeout;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    SmtpClient(EmailSettings settings, SSLContext tls, Duration timeout) {
        this.settings = settings;
        this.tls = tls;
        this.timeout = timeout;
    }

    /** Sends {@code message} (headers and body, CRLF line ends) from the configured sender to every recipient. */
    void send(String message) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(settings.host(), settings.port()), millis);
            plain.setSoTimeout(millis);
            socket = settings.security() == EmailSettings.SmtpSecurity.TLS ? upgrade(plain) : plain;
            streams();
            expect(read(), 220, "greeting");
            List<String> features = ehlo();
            if (settings.security() == EmailSettings.SmtpSecurity.STARTTLS) {
                if (features.stream().noneMatch(f -> f.toUpperCase(Locale.ROOT).startsWith("STARTTLS"))) {
                    throw new SmtpException("the SMTP server " + settings.host() + ":" + settings.port()
                            + " does not offer STARTTLS; use smtp-security tls for port 465, or a server that offers it",
                            554);
                }
                command("STARTTLS", 220);
                socket = upgrade(socket);
                streams();
                features = ehlo();
            }
            if (settings.username() != null && settings.password() != null) {
                if (features.stream().noneMatch(f -> f.toUpperCase(Locale.ROOT).startsWith("AUTH")
                        && f.toUpperCase(Locale.ROOT).contains("PLAIN"))) {
                    throw new SmtpException("the SMTP server " + settings.host() + " does not offer AUTH PLAIN", 554);
                }
                String token = Base64.getEncoder().encodeToString(("\0" + settings.username() + "\0"
                        + settings.password().reveal()).getBytes(StandardCharsets.UTF_8));
                write("AUTH PLAIN " + token);
                expect(read(), 235, "login as " + settings.username());
            }
            command("MAIL FROM:<" + settings.from() + ">", 250);
            for (String to : settings.to()) {
                command("RCPT TO:<" + to + ">", 250, 251);
            }
            command("DATA", 354);
            StringBuilder data = new StringBuilder();
            for (String line : message.split("\r\n", -1)) {
                data.append(line.startsWith(".") ? "." + line : line).append("\r\n");
            }
            data.append(".");
            write(data.toString());
            expect(read(), 250, "message");
            write("QUIT");
        } finally {
            try {
                (socket != null ? socket : plain).close();
            } catch (IOException ignored) {
                // closing after QUIT or a failure: nothing left to save
            }
        }
    }

    private List<String> ehlo() throws IOException {
        write("EHLO " + localName());
        Reply r = read();
        expect(r, 250, "EHLO");
        return r.lines().subList(1, r.lines().size());
    }

    private void command(String line, int... ok) throws IOException {
        write(line);
        Reply r = read();
        for (int code : ok) {
            if (r.code() == code) {
                return;
            }
        }
        String verb = line.split("[ :]")[0];
        throw new SmtpException("the SMTP server " + settings.host() + " answered " + verb + " with " + r.text(), r.code());
    }

    private void expect(Reply r, int code, String what) throws SmtpException {
        if (r.code() != code) {
            throw new SmtpException("the SMTP server " + settings.host() + " refused the " + what + ": " + r.text(),
                    r.code());
        }
    }

    private SSLSocket upgrade(Socket s) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, settings.host(), s.getPort(), true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        return ssl;
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    private void write(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the SMTP server " + settings.host() + " closed the connection");
            }
            if (line.length() < 3) {
                throw new IOException("the SMTP server " + settings.host() + " sent a malformed reply: " + line);
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) != '-') {
                try {
                    return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
                } catch (NumberFormatException e) {
                    throw new IOException("the SMTP server " + settings.host() + " sent a malformed reply: " + line, e);
                }
            }
        }
    }

    private static String localName() {
        return "truenas-gitops.localdomain";
    }
}
