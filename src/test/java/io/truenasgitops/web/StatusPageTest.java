package io.truenasgitops.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusPageTest {

    @Test
    void afterSigningInOnlyAPathOfThisSiteIsFollowed() {
        assertThat(StatusPage.safeNext("/stacks/web")).isEqualTo("/stacks/web");
        assertThat(StatusPage.safeNext("/")).isEqualTo("/");
        assertThat(StatusPage.safeNext(null)).isEqualTo("/");
        assertThat(StatusPage.safeNext("https://evil.example/")).isEqualTo("/");
        assertThat(StatusPage.safeNext("//evil.example/x")).isEqualTo("/");
        assertThat(StatusPage.safeNext("/\\evil.example")).isEqualTo("/");
        assertThat(StatusPage.safeNext("/x\r\nSet-Cookie: a=b")).isEqualTo("/");
    }

    @Test
    void aTargetUrlIsShownWithoutUserAndPassword() {
        assertThat(StatusData.withoutUserInfo("wss://nas.local/api/current")).isEqualTo("wss://nas.local/api/current");
        assertThat(StatusData.withoutUserInfo("wss://root:secret@nas.local:444/api/current"))
                .isEqualTo("wss://nas.local:444/api/current");
        assertThat(StatusData.withoutUserInfo("ws+unix:///var/run/middleware/middlewared.sock"))
                .isEqualTo("ws+unix:///var/run/middleware/middlewared.sock");
        assertThat(StatusData.withoutUserInfo("not a url://user:pw@host/")).doesNotContain("pw");
    }
}
