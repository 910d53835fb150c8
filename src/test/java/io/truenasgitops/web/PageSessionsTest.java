package io.truenasgitops.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Status page sessions: random per sign-in, kept only as a hash in memory, ended by expiry, sign-out or restart. */
class PageSessionsTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-08T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aSessionEndsAtItsExpiryAndAnotherInstanceKnowsNoneOfThem() {
        MovableClock clock = new MovableClock();
        PageSessions sessions = new PageSessions(clock);
        String value = sessions.start();
        assertThat(value).hasSizeGreaterThanOrEqualTo(43);
        assertThat(sessions.valid(value)).isTrue();
        assertThat(new PageSessions(clock).valid(value)).as("after a restart").isFalse();

        clock.now = clock.now.plus(PageSessions.LIFETIME);

        assertThat(sessions.valid(value)).isFalse();
    }

    @Test
    void sessionsAreCappedByEndingTheOldestFirst() {
        MovableClock clock = new MovableClock();
        PageSessions sessions = new PageSessions(clock);
        String oldest = sessions.start();
        Set<String> values = new HashSet<>();
        for (int i = 1; i < PageSessions.MAX_SESSIONS; i++) {
            clock.now = clock.now.plusMillis(1);
            values.add(sessions.start());
        }
        assertThat(values).hasSize(PageSessions.MAX_SESSIONS - 1).doesNotContain(oldest);
        assertThat(sessions.valid(oldest)).isTrue();

        clock.now = clock.now.plusMillis(1);
        String newest = sessions.start();

        assertThat(sessions.valid(oldest)).isFalse();
        assertThat(sessions.valid(newest)).isTrue();
        assertThat(values).allMatch(sessions::valid);
    }
}
