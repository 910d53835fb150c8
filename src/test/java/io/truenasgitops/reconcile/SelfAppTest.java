package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SelfAppTest {

    static final String ID = "3f1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a";
    static final String OTHER = "0000000000000000000000000000000000000000000000000000000000000001";

    static Stream<Arguments> sources() {
        return Stream.of(
                Arguments.of("cgroup v1, docker path", "12:memory:/docker/" + ID + "\n0::/\n", null, null, ID),
                Arguments.of("cgroup v1, systemd scope", "1:name=systemd:/system.slice/docker-" + ID + ".scope\n",
                        null, null, ID),
                Arguments.of("cgroup v2 says nothing, mountinfo names it", "0::/\n",
                        "612 600 0:50 /var/lib/docker/containers/" + ID + "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n",
                        "nas", ID),
                Arguments.of("only Docker's default hostname", "0::/\n", "", ID.substring(0, 12) + "\n",
                        ID.substring(0, 12)),
                Arguments.of("a hostname a person chose tells nothing", "0::/\n", "", "truenas-gitops\n", null),
                Arguments.of("not in a container", "0::/init.scope\n", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n",
                        "nas\n", null),
                Arguments.of("nothing readable", null, null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void readsTheOwnContainerIdFromCgroupMountinfoOrHostname(String name, String cgroup, String mountinfo,
            String hostname, String expected) {
        assertThat(SelfApp.containerId(cgroup, mountinfo, hostname)).as(name).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void findsTheAppWhoseWorkloadRunsThisContainerByFullOrShortId() {
        List<App> apps = List.of(app("truenas-gitops", ID), app("web", OTHER), app("stopped", null));

        assertThat(SelfApp.appsRunning(Optional.of(ID), apps)).containsExactly("truenas-gitops");
        assertThat(SelfApp.appsRunning(Optional.of(ID.substring(0, 12)), apps)).containsExactly("truenas-gitops");
        assertThat(SelfApp.appsRunning(Optional.empty(), apps)).isEmpty();
        assertThat(SelfApp.appsRunning(Optional.of("abc"), apps)).as("too short to tell").isEmpty();
        assertThat(SelfApp.appsRunning(Optional.of(ID.substring(0, 12) + "ff"), apps))
                .as("another prefix is no match").isEmpty();
    }

    private static App app(String name, String containerId) {
        List<App.Container> containers = containerId == null ? List.of()
                : List.of(new App.Container(containerId, "main", "img:1", "running"));
        return new App(name, AppState.RUNNING, true, "1.0.0", containers, List.of(), Map.of(),
                JsonNodeFactory.instance.objectNode());
    }

}
