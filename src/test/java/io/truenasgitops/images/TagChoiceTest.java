package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TagChoiceTest {

    private static final List<String> NGINX = List.of("latest", "1", "1.25", "1.25.3", "1.25.4", "1.25.4-alpine",
            "1.27", "1.27.0", "1.27.3", "2.0.0-rc.1", "mainline", "1.27.3-alpine", "1.26.10");

    @Test
    void aSemverRangePicksItsNewestReleaseAndSkipsPreReleasesAndWords() {
        assertThat(TagChoice.newest(ImagePolicy.semver("~1.25"), NGINX)).contains("1.25.4");
        assertThat(TagChoice.newest(ImagePolicy.semver("^1"), NGINX)).contains("1.27.3");
        assertThat(TagChoice.newest(ImagePolicy.semver(">=1.26 <1.27"), NGINX)).contains("1.26.10");
    }

    @Test
    void betweenEqualVersionsTheMorePreciseTagWinsWhateverTheRegistrysOrder() {
        assertThat(TagChoice.newest(ImagePolicy.semver("1.27.x"), List.of("1.27.0", "1.27"))).contains("1.27.0");
        assertThat(TagChoice.newest(ImagePolicy.semver("1.27.x"), List.of("1.27", "1.27.0"))).contains("1.27.0");
    }

    @Test
    void aPatternWithAVersionGroupKeepsAVariantSuchAsAlpine() {
        ImagePolicy alpine = new ImagePolicy(SemVerRange.parse("^1.25"), Pattern.compile("(?<version>.+)-alpine"), null);
        assertThat(TagChoice.newest(alpine, NGINX)).contains("1.27.3-alpine");
    }

    @Test
    void withoutARangeTagsAreOrderedAsTextOrAsNumbers() {
        ImagePolicy dated = new ImagePolicy(null, Pattern.compile("RELEASE\\.(?<version>.+)Z"),
                ImagePolicy.Order.ALPHABETICAL);
        assertThat(TagChoice.newest(dated, List.of("RELEASE.2024-05-01T10-00-00Z", "RELEASE.2024-11-20T08-15-00Z",
                "latest", "RELEASE.2024-06-30T00-00-00Z"))).contains("RELEASE.2024-11-20T08-15-00Z");
        ImagePolicy builds = new ImagePolicy(null, Pattern.compile("build-(?<version>[0-9]+)"), ImagePolicy.Order.NUMERICAL);
        assertThat(TagChoice.newest(builds, List.of("build-999", "build-1040", "build-x", "build-88")))
                .contains("build-1040");
    }

    @Test
    void aNewerAllowedTagIsAnUpdateAndTheNewestIsUpToDate() {
        ImagePolicy p = ImagePolicy.semver("~1.25");
        assertThat(TagChoice.decide(p, "1.25.3", NGINX)).isEqualTo(new TagChoice.Verdict.Newer("1.25.3", "1.25.4"));
        assertThat(TagChoice.decide(p, "1.25.4", NGINX)).isEqualTo(new TagChoice.Verdict.UpToDate("1.25.4"));
    }

    @Test
    void aCurrentTagNewerThanEveryAllowedOneIsNeverMovedBack() {
        assertThat(TagChoice.decide(ImagePolicy.semver(">=1.25.0"), "1.27.3",
                List.of("1.25.3", "1.25.4"))).isEqualTo(new TagChoice.Verdict.UpToDate("1.27.3"));
    }

    @Test
    void aCurrentTagThePolicyDoesNotAllowIsReplacedByTheNewestAllowedOne() {
        assertThat(TagChoice.decide(ImagePolicy.semver("^1"), "latest", NGINX))
                .isEqualTo(new TagChoice.Verdict.Newer("latest", "1.27.3"));
    }

    @Test
    void noAllowedTagChangesNothing() {
        assertThat(TagChoice.decide(ImagePolicy.semver("^9"), "1.25.3", NGINX))
                .isEqualTo(new TagChoice.Verdict.NoneAllowed());
    }
}
