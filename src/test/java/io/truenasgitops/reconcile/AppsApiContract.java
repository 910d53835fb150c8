package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.DeleteOptions;
import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.TrueNasException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the engine relies on from an {@link AppsApi}, run against the emulator through the real client and against
 * {@link FakeTrueNas}, so that the fake the engine tests use cannot drift from the NAS's behaviour.
 */
abstract class AppsApiContract {

    /** The API under test, on an empty NAS with the apps service running. */
    abstract AppsApi api();

    static Map<String, Object> compose(String image) {
        Map<String, Object> svc = new LinkedHashMap<>();
        svc.put("image", image);
        return Map.of("services", Map.of("web", svc));
    }

    @Test
    void aCreatedAppIsListedRunningWithTheComposeItWasGiven() {
        App created = api().create("web", compose("nginx:1.27"), JobListener.NONE);

        assertThat(created.name()).isEqualTo("web");
        assertThat(api().list(true)).extracting(App::name).containsExactly("web");
        App listed = api().get("web", true).orElseThrow();
        assertThat(listed.state()).isIn(AppState.RUNNING, AppState.DEPLOYING);
        assertThat(listed.customApp()).isTrue();
        assertThat(api().config("web").toString()).contains("nginx:1.27");
    }

    @Test
    void anAbsentAppIsEmptyNotAnError() {
        assertThat(api().get("nothing", false)).isEmpty();
        assertThat(api().list(false)).isEmpty();
    }

    @Test
    void creatingAnAppThatExistsFailsWithEexistAndChangesNothing() {
        api().create("web", compose("nginx:1.27"), JobListener.NONE);

        TrueNasException e = catchThrowableOfType(TrueNasException.class,
                () -> api().create("web", compose("nginx:1.28"), JobListener.NONE));

        assertThat(e.errno()).isEqualTo(17);
        assertThat(e.getMessage()).contains("already exists");
        assertThat(api().config("web").toString()).contains("nginx:1.27");
    }

    @Test
    void anUpdateReplacesTheCompose() {
        api().create("web", compose("nginx:1.27"), JobListener.NONE);

        api().update("web", compose("nginx:1.28"), JobListener.NONE);

        assertThat(api().config("web").toString()).contains("nginx:1.28").doesNotContain("nginx:1.27");
    }

    @Test
    void stopAndStartChangeTheStateAndKeepTheCompose() {
        api().create("web", compose("nginx:1.27"), JobListener.NONE);

        api().stop("web", JobListener.NONE);
        assertThat(api().get("web", false).orElseThrow().state()).isEqualTo(AppState.STOPPED);

        api().start("web", JobListener.NONE);
        assertThat(api().get("web", false).orElseThrow().state()).isIn(AppState.RUNNING, AppState.DEPLOYING);
        assertThat(api().config("web").toString()).contains("nginx:1.27");
    }

    @Test
    void aDeletedAppIsGone() {
        api().create("web", compose("nginx:1.27"), JobListener.NONE);

        api().delete("web", DeleteOptions.defaults(), JobListener.NONE);

        assertThat(api().get("web", false)).isEmpty();
    }

    @Test
    void withNoJobRunningNoneIsFoundAndTheAppsServiceRuns() {
        assertThat(api().runningJob("web", Set.of("app.create", "app.delete"))).isEmpty();
        assertThat(api().dockerStatus().status()).isEqualTo("RUNNING");
    }
}
