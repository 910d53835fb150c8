package io.truenasgitops.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.truenasgitops.commitstatus.CommitStatuses;
import io.truenasgitops.commitstatus.Endpoint;
import io.truenasgitops.commitstatus.Forge;
import io.truenasgitops.commitstatus.StatusSettings;
import io.truenasgitops.metrics.MicrometerDeliveryMetrics;
import io.truenasgitops.notify.DeliverySettings;
import io.truenasgitops.notify.Secret;
import io.truenasgitops.reconcile.SyncListener;
import io.truenasgitops.secretfiles.Secrets;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The daemon's commit statuses: maps {@link CommitStatusConfig} to {@link StatusSettings} (reading the token file),
 * resolves the Git host from the Git source's URL, and gives the engine its pass observer. Without a token file it
 * does nothing and starts no thread.
 */
@ApplicationScoped
public class CommitStatusReporting {

    private static final Logger LOG = Logger.getLogger(CommitStatusReporting.class);

    @Inject
    CommitStatusConfig config;

    @Inject
    NotifyConfig notifyConfig;

    @Inject
    MeterRegistry registry;

    private CommitStatuses statuses;

    /**
     * What keeps commit statuses from working for the Git source at {@code sourceUrl} (asked only when they are
     * on); empty when off or fine.
     */
    public List<String> problems(java.util.function.Supplier<String> sourceUrl) {
        if (config.tokenFile().isEmpty()) {
            return List.of();
        }
        try {
            Endpoint.resolve(map(config, notifyConfig), sourceUrl.get());
            return List.of();
        } catch (RuntimeException e) {
            return List.of(e.getMessage());
        }
    }

    /**
     * The engine's pass observer for a Git source at {@code sourceUrl}: {@link SyncListener#NONE} when no token file
     * is configured or the host cannot be told (then logged once, with what to set).
     */
    public synchronized SyncListener observer(String sourceUrl) {
        if (config.tokenFile().isEmpty()) {
            return SyncListener.NONE;
        }
        if (statuses == null) {
            try {
                StatusSettings settings = map(config, notifyConfig);
                Endpoint endpoint = Endpoint.resolve(settings, sourceUrl);
                statuses = CommitStatuses.of(settings, endpoint, MicrometerDeliveryMetrics.commitStatuses(registry));
                LOG.infof("commit statuses go to %s (%s, repository %s)", endpoint.forge().label(),
                        endpoint.apiBase(), endpoint.repository());
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.errorf("%s; commit statuses are off", e.getMessage());
                return SyncListener.NONE;
            }
        }
        return statuses.listener();
    }

    @PreDestroy
    synchronized void close() {
        if (statuses != null) {
            statuses.close();
            statuses = null;
        }
    }

    /**
     * The settings of {@code c}, the token read from its file.
     *
     * @throws IllegalArgumentException naming the key of a wrong value or an unreadable file
     */
    static StatusSettings map(CommitStatusConfig c, NotifyConfig notify) {
        String key = "truenas-gitops.commit-status.";
        Secret token = new Secret(new String(Secrets.readFile(c.tokenFile().orElseThrow(), key + "token-file"),
                StandardCharsets.UTF_8).strip());
        Forge forge = c.provider().filter(p -> !p.isBlank()).map(p -> Forge.parse(p, key + "provider")).orElse(null);
        URI api = null;
        if (c.apiUrl().filter(u -> !u.isBlank()).isPresent()) {
            try {
                api = new URI(c.apiUrl().get().strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key + "api-url: '" + c.apiUrl().get()
                        + "' is not a valid URL; write it as https://host/api/v1");
            }
            if (!"https".equalsIgnoreCase(api.getScheme()) && !"http".equalsIgnoreCase(api.getScheme())) {
                throw new IllegalArgumentException(key + "api-url must start with https:// or http://");
            }
        }
        DeliverySettings delivery = c.delivery();
        String statusUrl = c.statusUrl().or(notify::statusUrl).orElse(null);
        return new StatusSettings(forge, api, c.repository().orElse(null), token, c.context(), statusUrl, delivery,
                c.caFile().orElse(null));
    }
}
