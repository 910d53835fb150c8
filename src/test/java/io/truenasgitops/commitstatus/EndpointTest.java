package io.truenasgitops.commitstatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.notify.DeliverySettings;
import io.truenasgitops.notify.Secret;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Where statuses go, told by the Git source's URL unless the settings say. */
class EndpointTest {

    static StatusSettings settings(Forge forge, String apiUrl, String repository) {
        return new StatusSettings(forge, apiUrl == null ? null : URI.create(apiUrl), repository, new Secret("token"),
                null, null, new DeliverySettings(1, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, 1), null);
    }

    @Test
    void gitHubDotComIsToldByItsHostAndUsesApiGitHubCom() {
        Endpoint e = Endpoint.resolve(settings(null, null, null), "git@github.com:home/stacks.git");

        assertThat(e).isEqualTo(new Endpoint(Forge.GITHUB, URI.create("https://api.github.com"), "home/stacks"));
    }

    @Test
    void selfHostedHostsKeepTheSourcesSchemeAndPortAndGetTheirApiPath() {
        assertThat(Endpoint.resolve(settings(null, null, null), "http://gitea.home.lan:3000/home/stacks.git"))
                .isEqualTo(new Endpoint(Forge.GITEA, URI.create("http://gitea.home.lan:3000/api/v1"), "home/stacks"));
        assertThat(Endpoint.resolve(settings(null, null, null), "https://gitlab.home.lan/infra/nas/stacks"))
                .isEqualTo(new Endpoint(Forge.GITLAB, URI.create("https://gitlab.home.lan/api/v4"), "infra/nas/stacks"));
        assertThat(Endpoint.resolve(settings(Forge.GITHUB, null, null), "ssh://git@ghe.corp.test/home/stacks.git"))
                .isEqualTo(new Endpoint(Forge.GITHUB, URI.create("https://ghe.corp.test/api/v3"), "home/stacks"));
        assertThat(Endpoint.resolve(settings(null, null, null), "https://codeberg.org/home/stacks.git").forge())
                .isEqualTo(Forge.FORGEJO);
        assertThat(Endpoint.resolve(settings(null, null, null), "https://bitbucket.org/home/stacks.git").apiBase())
                .isEqualTo(URI.create("https://api.bitbucket.org/2.0"));
    }

    @Test
    void theSettingsWinOverTheSourceUrl() {
        Endpoint e = Endpoint.resolve(settings(Forge.FORGEJO, "https://git.home.lan/api/v1/", "ops/nas"),
                "/srv/git/stacks");

        assertThat(e).isEqualTo(new Endpoint(Forge.FORGEJO, URI.create("https://git.home.lan/api/v1"), "ops/nas"));
    }

    @Test
    void anUnknownHostSaysWhatToSetAndNeverShowsTheUrlsPassword() {
        assertThatThrownBy(() -> Endpoint.resolve(settings(null, null, null),
                "https://bot:hunter22@git.home.lan/home/stacks.git"))
                .hasMessage("commit statuses: cannot tell the Git host of 'https://git.home.lan/home/stacks.git'; set"
                        + " truenas-gitops.commit-status.provider (github, gitlab, gitea, forgejo or bitbucket)");
        assertThatThrownBy(() -> Endpoint.resolve(settings(Forge.GITHUB, null, "just-a-name"), "/srv/stacks"))
                .hasMessageContaining("is not owner/name");
    }
}
