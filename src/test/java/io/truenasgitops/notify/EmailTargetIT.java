package io.truenasgitops.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Email goes through a local SMTP server with STARTTLS, trusting exactly the configured certificate. */
class EmailTargetIT {

    static TestCertificate cert;

    @TempDir
    Path dir;

    SmtpReceiver smtp;
    final RecordingMetrics metrics = new RecordingMetrics();
    Dispatcher dispatcher;

    @BeforeAll
    static void certificate() throws Exception {
        cert = TestCertificate.generate();
    }

    @AfterEach
    void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    TargetSettings email(EmailSettings.SmtpSecurity security, Path caFile, Secret password) {
        return new TargetSettings("mail", ChannelType.EMAIL, NotificationFilter.all(), null, false, null, null, null,
                null, new EmailSettings("127.0.0.1", smtp.port(), security, password == null ? null : "gitops", password,
                        "gitops@home.test", List.of("ops@home.test", "me@home.test")), caFile);
    }

    @Test
    void anEmailIsSentAfterStartTlsWithTheLoginAndTheExactMessage() throws Exception {
        smtp = new SmtpReceiver(cert, true);
        TargetSettings t = email(EmailSettings.SmtpSecurity.STARTTLS, cert.writePem(dir), new Secret("s3cret-pass"));
        dispatcher = Samples.dispatcher(metrics, 1, t);

        dispatcher.submit(Samples.applyFailed());

        await().until(() -> metrics.delivered("mail") == 1);
        assertThat(smtp.commands).extracting(SmtpReceiver.Command::line).containsExactly(
                "EHLO truenas-gitops.localdomain", "STARTTLS", "EHLO truenas-gitops.localdomain",
                "AUTH PLAIN " + Base64.getEncoder().encodeToString("\0gitops\0s3cret-pass".getBytes(StandardCharsets.UTF_8)),
                "MAIL FROM:<gitops@home.test>", "RCPT TO:<ops@home.test>", "RCPT TO:<me@home.test>", "DATA", "QUIT");
        assertThat(smtp.commands.subList(2, smtp.commands.size())).allMatch(SmtpReceiver.Command::tls);
        assertThat(smtp.logins).containsExactly("|gitops|s3cret-pass");
        String message = smtp.messages.get(0);
        String headers = message.substring(0, message.indexOf("\r\n\r\n"));
        assertThat(headers.split("\r\n")).containsExactly(
                "Date: Thu, 26 Nov 2026 06:00:00 GMT",
                "From: gitops@home.test",
                "To: ops@home.test, me@home.test",
                "Subject: [truenas-gitops] apply failed: stack 'media' on nas1",
                "Message-ID: <" + Samples.ID + "@home.test>",
                "X-TrueNAS-GitOps-Event: apply-failed",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=UTF-8",
                "Content-Transfer-Encoding: base64");
        String body = message.substring(message.indexOf("\r\n\r\n") + 4);
        assertThat(new String(Base64.getMimeDecoder().decode(body), StandardCharsets.UTF_8))
                .isEqualTo(Samples.TEXT.replace("\n", "\r\n"));
    }

    @Test
    void aServerWithoutStartTlsGetsNoMessageAndNoPassword() throws Exception {
        smtp = new SmtpReceiver(cert, false);
        TargetSettings t = email(EmailSettings.SmtpSecurity.STARTTLS, cert.writePem(dir), new Secret("s3cret-pass"));
        try (EmailChannel channel = new EmailChannel(t, Duration.ofSeconds(5))) {
            SendResult r = channel.send(Samples.applyFailed());

            assertThat(r).isEqualTo(new SendResult.Rejected("the SMTP server 127.0.0.1:" + smtp.port()
                    + " does not offer STARTTLS; use smtp-security tls for port 465, or a server that offers it"));
        }
        assertThat(smtp.commands).extracting(SmtpReceiver.Command::line).containsExactly(
                "EHLO truenas-gitops.localdomain");
        assertThat(smtp.logins).isEmpty();
    }

    @Test
    void aServerWhoseCertificateIsNotTrustedGetsNoPassword() throws Exception {
        smtp = new SmtpReceiver(cert, true);
        TargetSettings t = email(EmailSettings.SmtpSecurity.STARTTLS, null, new Secret("s3cret-pass"));
        try (EmailChannel channel = new EmailChannel(t, Duration.ofSeconds(5))) {
            SendResult r = channel.send(Samples.applyFailed());

            assertThat(r).isInstanceOf(SendResult.RetryLater.class);
            assertThat(((SendResult.RetryLater) r).why()).contains("SSLHandshakeException").doesNotContain("s3cret");
        }
        assertThat(smtp.commands).extracting(SmtpReceiver.Command::line).containsExactly(
                "EHLO truenas-gitops.localdomain", "STARTTLS");
        assertThat(smtp.logins).isEmpty();
        assertThat(smtp.messages).isEmpty();
    }
}
