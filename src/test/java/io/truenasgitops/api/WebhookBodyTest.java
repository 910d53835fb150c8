package io.truenasgitops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading a webhook body: a client that hangs up mid-body is a bad request and one throttled line, not an error. */
class WebhookBodyTest {

    final WebhookHandler handler = new WebhookHandler(Optional.of("s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "main", 1024);

    static InputStream hangingUpAfter(int bytes) {
        return new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < bytes) {
                    return 'x';
                }
                throw new IOException("Connection was closed");
            }
        };
    }

    @Test
    void aClientThatHangsUpMidBodyIsABadRequestAndCountedNotAnInternalError() {
        long before = WebhookResource.hangups();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> WebhookResource.readCapped(hangingUpAfter(10), handler))
                    .isInstanceOf(ApiProblem.class)
                    .hasMessageContaining("the request body ended before its announced length");
        }

        assertThat(WebhookResource.hangups()).isEqualTo(before + 3);
        assertThat(WebhookResource.HANGUPS.allow(System.nanoTime())).as("the throttle is closed for a minute").isFalse();
    }
}
