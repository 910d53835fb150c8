package io.truenasgitops.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The services a notification target can be. */
public enum ChannelType {
    NTFY,
    GOTIFY,
    DISCORD,
    /** Slack incoming webhooks and the services that accept their payload (Mattermost, Rocket.Chat, ...). */
    SLACK,
    MATRIX,
    EMAIL,
    /** Any HTTP endpoint taking this tool's JSON, optionally HMAC-signed. */
    WEBHOOK;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the key and the types allowed */
    public static ChannelType parse(String word, String key) {
        for (ChannelType t : values()) {
            if (t.label().equalsIgnoreCase(word == null ? "" : word.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException(key + ": unknown notification target type '" + word + "'; use one of "
                + Arrays.stream(values()).map(ChannelType::label).collect(Collectors.joining(", ")));
    }
}
