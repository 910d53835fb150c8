package io.truenasgitops.notify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;

/** Delivers by email over SMTP: a plain-text message, STARTTLS or TLS, a login only over TLS. */
final class EmailChannel implements Channel {

    private final TargetSettings target;
    private final EmailSettings email;
    private final SSLContext tls;
    private final Duration timeout;
    private final List<Secret> secrets;

    EmailChannel(TargetSettings target, Duration timeout) {
        this.target = target;
        this.email = target.email();
        this.tls = Tls.context("notification target '" + target.name() + "'", target.caFile());
        this.timeout = timeout;
        this.secrets = target.secrets();
    }

    @Override
    public SendResult send(Notification n) {
        try {
            new SmtpClient(email, tls, timeout).send(message(email, n));
            return new SendResult.Delivered();
        } catch (SmtpClient.SmtpException e) {
            String why = Secret.mask(e.getMessage(), secrets);
            return e.transientFailure() ? new SendResult.RetryLater(null, why) : new SendResult.Rejected(why);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new SendResult.RetryLater(null, Secret.mask(m, secrets));
        }
    }

    /** The message: headers, then the text body in base64 (any character, any line length, any server). */
    static String message(EmailSettings email, Notification n) {
        String body = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(Payloads.text(n).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        String domain = email.from().contains("@") ? email.from().substring(email.from().indexOf('@') + 1) : "localhost";
        return "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(n.time().atOffset(ZoneOffset.UTC)) + "\r\n"
                + "From: " + email.from() + "\r\n"
                + "To: " + String.join(", ", email.to()) + "\r\n"
                + "Subject: " + subject(n) + "\r\n"
                + "Message-ID: <" + n.id() + "@" + domain + ">\r\n"
                + "X-TrueNAS-GitOps-Event: " + n.kind().label() + "\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + body;
    }

    /** The title, as an RFC 2047 encoded word when it is not plain ASCII. */
    static String subject(Notification n) {
        String title = "[truenas-gitops] " + n.title();
        return StandardCharsets.US_ASCII.newEncoder().canEncode(title) ? title
                : "=?UTF-8?B?" + Base64.getEncoder().encodeToString(title.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
