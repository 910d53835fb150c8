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
    void whatAPassWouldDoIsASentenceForEveryAction() {
        assertThat(Formats.wouldDo("unchanged")).isEqualTo("the next pass leaves it as it is and only reports the drift"
                + " (self-heal is off); “Sync now” reverts it.");
        for (var type : io.truenasgitops.reconcile.ActionType.values()) {
            String text = Formats.wouldDo(type.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(text).as(type.name()).startsWith("the next pass ").endsWith(".").doesNotContain("would");
        }
    }

    @Test
    void anErrorThatIsTheReasonsMessageIsPrintedOnce() {
        assertThat(row("image pull failed: manifest unknown", "image pull failed: manifest unknown").errorApart()).isFalse();
        assertThat(row("image pull failed: manifest unknown", "the NAS did not answer").errorApart()).isTrue();
        assertThat(row(null, "the NAS did not answer").errorApart()).isTrue();
        assertThat(row("fine", null).errorApart()).isFalse();
    }

    private static Views.StackRow row(String reasonMessage, String lastError) {
        var reason = reasonMessage == null ? null : new io.truenasgitops.api.V1.Reason("ApplyFailed", reasonMessage);
        var stack = new io.truenasgitops.api.V1.Stack("web", "default", "stacks/web", "stalled", false, "RUNNING",
                java.util.List.of(), java.util.List.of(), null, null, null, "update", reason, lastError, false, null,
                null, false);
        return new Views.StackRow(stack, "");
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
