package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRefTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "nginx                          | docker.io      | library/nginx        | -      | registry-1.docker.io",
        "nginx:1.25                     | docker.io      | library/nginx        | 1.25   | registry-1.docker.io",
        "linuxserver/jellyfin:10.9.1    | docker.io      | linuxserver/jellyfin | 10.9.1 | registry-1.docker.io",
        "docker.io/library/redis:7      | docker.io      | library/redis        | 7      | registry-1.docker.io",
        "ghcr.io/home-assistant/home-assistant:2024.6.1 | ghcr.io | home-assistant/home-assistant | 2024.6.1 | ghcr.io",
        "127.0.0.1:5000/team/app:v2     | 127.0.0.1:5000 | team/app             | v2     | 127.0.0.1:5000",
        "localhost/app                  | localhost      | app                  | -      | localhost",
    })
    void aReferenceIsSplitTheWayDockerSplitsIt(String image, String registry, String repository, String tag,
            String apiHost) {
        ImageRef ref = ImageRef.parse(image.strip()).orElseThrow();
        assertThat(ref.registry()).isEqualTo(registry.strip());
        assertThat(ref.repository()).isEqualTo(repository.strip());
        assertThat(ref.tag()).isEqualTo(tag == null ? null : tag.strip());
        assertThat(ref.apiHost()).isEqualTo(apiHost.strip());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"${IMAGE}", "Nginx:1", "nginx:bad tag", "nginx@sha256:short", "' '"})
    void whatIsNotAReferenceIsNotParsed(String image) {
        assertThat(ImageRef.parse(image)).isEmpty();
    }
}
