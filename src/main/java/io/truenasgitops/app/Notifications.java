package io.truenasgitops.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.truenasgitops.secretfiles.Secrets;
import io.truenasgitops.metrics.MicrometerDeliveryMetrics;
import io.truenasgitops.notify.ChannelType;
import io.truenasgitops.notify.DeliverySettings;
import io.truenasgitops.notify.EmailSettings;
import io.truenasgitops.notify.EngineSnapshot;
import io.truenasgitops.notify.NotificationFilter;
import io.truenasgitops.notify.NotificationKind;
import io.truenasgitops.notify.Notifier;
import io.truenasgitops.notify.NotifySettings;
import io.truenasgitops.notify.Secret;
import io.truenasgitops.notify.Severity;
import io.truenasgitops.notify.TargetSettings;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.SyncListener;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The daemon's notifications: maps {@link NotifyConfig} to {@link NotifySettings} (reading the secret files),
 * builds the {@link Notifier} on first use, and gives the engine its pass observer. Without targets it does
 * nothing and starts no thread.
 */
@ApplicationScoped
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);

    @Inject
    NotifyConfig config;

    @Inject
    MeterRegistry registry;

    private final AtomicReference<Reconciler> engine = new AtomicReference<>();
    private Notifier notifier;
    private boolean built;

    /** The settings and what is wrong with them. */
    record Mapped(NotifySettings settings, List<String> problems) {}

    /** What keeps a configured target from sending, one line each (checked by {@code serve} at start). */
    public List<String> problems() {
        return map(config).problems();
    }

    /**
     * The engine's pass observer: notifications of the engine {@link #bind bound} later. {@link SyncListener#NONE}
     * when no target is configured.
     */
    public synchronized SyncListener observer() {
        Notifier n = notifier();
        if (n == null) {
            return SyncListener.NONE;
        }
        return n.listener(pass -> EngineSnapshot.of(engine.get(), pass));
    }

    /** The engine whose state the observer reads. */
    public void bind(Reconciler reconciler) {
        engine.set(reconciler);
    }

    private Notifier notifier() {
        if (!built) {
            built = true;
            Mapped m = map(config);
            m.problems().forEach(p -> LOG.errorf("notifications: %s; that target is left out", p));
            if (!m.settings().targets().isEmpty()) {
                notifier = Notifier.of(m.settings(), new MicrometerDeliveryMetrics(registry));
                LOG.infof("notifications go to %s", m.settings().targets().stream().map(TargetSettings::describe).toList());
            }
        }
        return notifier;
    }

    @PreDestroy
    synchronized void close() {
        if (notifier != null) {
            notifier.close();
            notifier = null;
        }
    }

    /** Maps the configuration; targets with a problem are left out of the settings and named in the problems. */
    static Mapped map(NotifyConfig c) {
        List<String> problems = new ArrayList<>();
        List<TargetSettings> targets = new ArrayList<>();
        new TreeMap<>(c.targets()).forEach((name, t) -> {
            String key = "truenas-gitops.notify.targets." + name + ".";
            try {
                TargetSettings s = target(name, t, key);
                List<String> missing = s.problems();
                if (missing.isEmpty()) {
                    targets.add(s);
                } else {
                    problems.addAll(missing);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                problems.add(e.getMessage());
            }
        });
        DeliverySettings delivery = c.delivery();
        return new Mapped(new NotifySettings(c.statusUrl().filter(u -> !u.isBlank()).orElse(null),
                c.reminderInterval(), c.commitUrlTemplate().orElse(null), delivery, targets), problems);
    }

    private static TargetSettings target(String name, NotifyConfig.Target t, String key) {
        ChannelType type = ChannelType.parse(t.type().orElseThrow(() -> new IllegalArgumentException(
                "notification target '" + name + "' has no type: set " + key + "type to one of ntfy, gotify, discord,"
                        + " slack, matrix, email, webhook")), key + "type");
        boolean urlIsSecret = t.urlFile().isPresent();
        String rawUrl = t.urlFile().map(f -> secret(f, key + "url-file").reveal()).orElse(t.url().orElse(null));
        URI url = null;
        if (rawUrl != null && !rawUrl.isBlank()) {
            try {
                url = new URI(rawUrl.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("notification target '" + name + "': the URL in " + key
                        + (urlIsSecret ? "url-file" : "url") + " is not a valid URL; write it as https://host/path");
            }
        }
        Set<NotificationKind> kinds = EnumSet.noneOf(NotificationKind.class);
        t.kinds().orElse(List.of()).stream().filter(k -> !k.isBlank())
                .forEach(k -> kinds.add(NotificationKind.parse(k, key + "kinds")));
        NotificationFilter filter = new NotificationFilter(t.stacks().orElse(List.of()), kinds,
                Severity.parse(t.minSeverity(), key + "min-severity"));
        EmailSettings email = null;
        if (type == ChannelType.EMAIL) {
            email = new EmailSettings(t.smtpHost().orElse(null), t.smtpPort(), security(t.smtpSecurity(), key),
                    t.username().orElse(null), t.passwordFile().map(f -> secret(f, key + "password-file")).orElse(null),
                    t.from().orElse(null), t.to().orElse(List.of()));
        }
        return new TargetSettings(name, type, filter, url, urlIsSecret,
                t.tokenFile().map(f -> secret(f, key + "token-file")).orElse(null), t.topic().orElse(null),
                t.room().orElse(null), t.secretFile().map(f -> secret(f, key + "secret-file")).orElse(null), email,
                t.caFile().orElse(null));
    }

    private static EmailSettings.SmtpSecurity security(String word, String key) {
        try {
            return EmailSettings.SmtpSecurity.valueOf(word.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "smtp-security: unknown value '" + word
                    + "'; use starttls, tls or none");
        }
    }

    private static Secret secret(Path file, String key) {
        return new Secret(new String(Secrets.readFile(file, key), StandardCharsets.UTF_8));
    }
}
