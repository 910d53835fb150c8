package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.notify.ChannelType;
import io.truenasgitops.notify.NotificationKind;
import io.truenasgitops.notify.Severity;
import io.truenasgitops.notify.TargetSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code truenas-gitops.notify.*} becomes settings; every mistake is one line naming the key, no secret shown. */
class NotifyConfigTest {

    @TempDir
    Path dir;

    record Target(Optional<String> type, Optional<String> url, Optional<Path> urlFile, Optional<Path> tokenFile,
            Optional<String> topic, Optional<String> room, Optional<Path> secretFile, Optional<Path> caFile,
            Optional<String> smtpHost, int smtpPort, String smtpSecurity, Optional<String> username,
            Optional<Path> passwordFile, Optional<String> from, Optional<List<String>> to,
            Optional<List<String>> stacks, Optional<List<String>> kinds, String minSeverity)
            implements NotifyConfig.Target {

        static Target of(String type) {
            return new Target(Optional.of(type), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 587, "starttls",
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), "info");
        }

        Target url(String u) {
            return new Target(type, Optional.of(u), urlFile, tokenFile, topic, room, secretFile, caFile, smtpHost,
                    smtpPort, smtpSecurity, username, passwordFile, from, to, stacks, kinds, minSeverity);
        }

        Target urlFile(Path f) {
            return new Target(type, url, Optional.of(f), tokenFile, topic, room, secretFile, caFile, smtpHost,
                    smtpPort, smtpSecurity, username, passwordFile, from, to, stacks, kinds, minSeverity);
        }

        Target tokenFile(Path f) {
            return new Target(type, url, urlFile, Optional.of(f), topic, room, secretFile, caFile, smtpHost,
                    smtpPort, smtpSecurity, username, passwordFile, from, to, stacks, kinds, minSeverity);
        }

        Target topic(String t) {
            return new Target(type, url, urlFile, tokenFile, Optional.of(t), room, secretFile, caFile, smtpHost,
                    smtpPort, smtpSecurity, username, passwordFile, from, to, stacks, kinds, minSeverity);
        }

        Target filter(List<String> s, List<String> k, String min) {
            return new Target(type, url, urlFile, tokenFile, topic, room, secretFile, caFile, smtpHost,
                    smtpPort, smtpSecurity, username, passwordFile, from, to, Optional.of(s), Optional.of(k), min);
        }
    }

    record Config(Map<String, NotifyConfig.Target> targets) implements NotifyConfig {
        public Optional<String> statusUrl() {
            return Optional.of("https://gitops.home.test/");
        }

        public Duration reminderInterval() {
            return Duration.ofHours(6);
        }

        public Optional<String> commitUrlTemplate() {
            return Optional.empty();
        }

        public int maxAttempts() {
            return 5;
        }

        public Duration timeout() {
            return Duration.ofSeconds(10);
        }

        public Duration retryInitialBackoff() {
            return Duration.ofSeconds(5);
        }

        public Duration retryMaxBackoff() {
            return Duration.ofMinutes(5);
        }

        public int queueLimit() {
            return 100;
        }
    }

    @Test
    void aDiscordUrlIsReadFromItsFileAndNeverShown() throws Exception {
        Path file = Files.writeString(dir.resolve("discord-url"), "https://discord.com/api/webhooks/123/s3cr3t-token\n");

        Notifications.Mapped m = Notifications.map(new Config(Map.of("chat", Target.of("discord").urlFile(file))));

        assertThat(m.problems()).isEmpty();
        TargetSettings t = m.settings().targets().get(0);
        assertThat(t.type()).isEqualTo(ChannelType.DISCORD);
        assertThat(t.url()).hasToString("https://discord.com/api/webhooks/123/s3cr3t-token");
        assertThat(t.describe()).isEqualTo("'chat' (discord, discord.com)");
        assertThat(io.truenasgitops.notify.Secret.mask("POST " + t.url() + " failed", t.secrets()))
                .isEqualTo("POST *** failed");
    }

    @Test
    void filtersAreMappedFromTheirWords() throws Exception {
        Path token = Files.writeString(dir.resolve("ntfy-token"), "tk_abc\n");

        Notifications.Mapped m = Notifications.map(new Config(Map.of("phone", Target.of("ntfy").url("https://ntfy.sh")
                .tokenFile(token).topic("lab").filter(List.of("media-*"), List.of("apply-failed", "target-down"),
                        "warning"))));

        assertThat(m.problems()).isEmpty();
        TargetSettings t = m.settings().targets().get(0);
        assertThat(t.token().reveal()).isEqualTo("tk_abc");
        assertThat(t.filter().stacks()).containsExactly("media-*");
        assertThat(t.filter().kinds()).containsExactlyInAnyOrder(NotificationKind.APPLY_FAILED,
                NotificationKind.TARGET_DOWN);
        assertThat(t.filter().minSeverity()).isEqualTo(Severity.WARNING);
        assertThat(m.settings().statusUrl()).isEqualTo("https://gitops.home.test/");
    }

    @Test
    void everyMistakeIsOneLineNamingTheKeyAndTheOtherTargetsStillWork() {
        Map<String, NotifyConfig.Target> targets = new java.util.TreeMap<>();
        targets.put("a", Target.of("pager"));
        targets.put("b", Target.of("gotify").url("https://gotify.home.test").tokenFile(dir.resolve("missing")));
        targets.put("c", Target.of("ntfy").url("https://ntfy.sh"));
        targets.put("d", Target.of("matrix").url("https://matrix.home.test"));
        targets.put("e", Target.of("webhook").url("https://hooks.home.test/x").filter(List.of(), List.of("exploded"),
                "info"));
        targets.put("f", Target.of("webhook").url("https://hooks.home.test/ok"));

        Notifications.Mapped m = Notifications.map(new Config(targets));

        assertThat(m.problems()).containsExactly(
                "truenas-gitops.notify.targets.a.type: unknown notification target type 'pager'; use one of ntfy,"
                        + " gotify, discord, slack, matrix, email, webhook",
                "cannot read the secret file " + dir.resolve("missing") + " named by"
                        + " truenas-gitops.notify.targets.b.token-file: no such file; create it or fix the path",
                "notification target 'c' (ntfy) has no topic: set truenas-gitops.notify.targets.c.topic",
                "notification target 'd' (matrix) has no access token: set truenas-gitops.notify.targets.d.token-file",
                "notification target 'd' (matrix) has no room: set truenas-gitops.notify.targets.d.room (a room id such"
                        + " as !abc:example.org)",
                "truenas-gitops.notify.targets.e.kinds: unknown notification kind 'exploded'; use one of apply-failed,"
                        + " stalled, health-gate-failed, drift-detected, drift-healed, recovered, target-down,"
                        + " source-failing, pruned, image-update-available, rolled-back, rollback-failed");
        assertThat(m.settings().targets()).extracting(TargetSettings::name).containsExactly("f");
    }
}
