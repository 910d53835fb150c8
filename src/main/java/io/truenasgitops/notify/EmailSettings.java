package io.truenasgitops.notify;

import java.util.List;

/**
 * An SMTP server and the addresses of an email target.
 *
 * @param host the SMTP server
 * @param port its port (587 for STARTTLS, 465 for TLS)
 * @param security how the connection is protected
 * @param username the login, or null to send without logging in
 * @param password the password (read from a file), or null
 * @param from the sender address
 * @param to the recipients
 */
public record EmailSettings(String host, int port, SmtpSecurity security, String username, Secret password,
        String from, List<String> to) {

    public EmailSettings {
        to = List.copyOf(to);
    }

    /** How an SMTP connection is protected. */
    public enum SmtpSecurity {
        /** Plain connection upgraded with STARTTLS; refused when the server does not offer it. */
        STARTTLS,
        /** TLS from the first byte (SMTPS, port 465). */
        TLS,
        /** No encryption: only for a relay on the same host; a password is never sent this way. */
        NONE
    }
}
