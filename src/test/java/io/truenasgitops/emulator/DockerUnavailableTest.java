package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --docker} without an engine fails with a typed error whose reason is one line saying what to do. */
class DockerUnavailableTest {

    @TempDir
    Path tmp;

    @Test
    void dockerWithNoEngineAtTheHostFailsWithOneLineThatNamesTheHost() {
        String host = "unix://" + tmp.resolve("no-engine.sock");

        DockerUnavailableException e = catchThrowableOfType(DockerUnavailableException.class,
                () -> TrueNasEmulator.start(EmulatorOptions.defaults().withDocker(new DockerOptions(host,
                        tmp.resolve("ix-apps")))).close());

        assertThat(e).isNotNull();
        assertThat(e.reason()).startsWith("no Docker Engine answers at " + host).doesNotContain("\n")
                .contains("start one or point --docker-host/DOCKER_HOST at it");
    }
}
