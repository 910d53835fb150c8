package io.truenasgitops.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes one {@link HttpCall} and says what became of it: 2xx is delivered; 408, 425, 429 and 5xx are worth another
 * attempt (after the Retry-After the service asked for, in the header or as Discord's {@code retry_after} /
 * Matrix's {@code retry_after_ms}); every other status is a rejection. Secrets are masked in every reason. Shared by
 * the notification channels and the Git hosts' commit statuses.
 */
public final class HttpSender {

    private static final Pattern RETRY_AFTER_SECONDS = Pattern.compile("\"retry_after\"\\s*:\\s*([0-9.]+)");
    private static final Pattern RETRY_AFTER_MS = Pattern.compile("\"retry_after_ms\"\\s*:\\s*([0-9]+)");

    private final Duration timeout;
    private final HttpClient client;
    private final List<Secret> secrets;

    /**
     * @param who how errors about the CA file name the caller ({@code notification target 'phone'})
     * @param caFile a PEM file of the CA to trust instead of the JVM's, or null
     * @param timeout the longest a connection or a request may take
     * @param secrets masked in every reason
     */
    public HttpSender(String who, Path caFile, Duration timeout, List<Secret> secrets) {
        this.timeout = timeout;
        this.secrets = List.copyOf(secrets);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).sslContext(Tls.context(who, caFile)).build();
    }

    /** One attempt; never throws for delivery problems. */
    public SendResult send(HttpCall call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(timeout)
                .header("User-Agent", Payloads.USER_AGENT)
                .method(call.method(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach(b::header);
        HttpResponse<String> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new SendResult.RetryLater(null, Secret.mask(describe(e), secrets));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.Rejected("interrupted (shutdown)");
        }
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            return new SendResult.Delivered();
        }
        String why = "HTTP " + status + (r.body() == null || r.body().isBlank() ? ""
                : ": " + Secret.mask(oneLine(r.body()), secrets));
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            return new SendResult.RetryLater(retryAfter(r), why);
        }
        return new SendResult.Rejected(why);
    }

    /** The wait a response asks for: the Retry-After header (seconds or an HTTP date), else the body's. */
    static Duration retryAfter(HttpResponse<String> r) {
        String header = r.headers().firstValue("Retry-After").orElse(null);
        if (header != null) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
                    return d.isNegative() ? Duration.ZERO : d;
                } catch (DateTimeParseException ignored) {
                    // neither form: fall back to the body, then to the backoff
                }
            }
        }
        String body = r.body() == null ? "" : r.body();
        Matcher ms = RETRY_AFTER_MS.matcher(body);
        if (ms.find()) {
            return Duration.ofMillis(Long.parseLong(ms.group(1)));
        }
        Matcher s = RETRY_AFTER_SECONDS.matcher(body);
        if (s.find()) {
            return Duration.ofMillis((long) (Double.parseDouble(s.group(1)) * 1000));
        }
        return null;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        String type = e.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : type + ": " + m;
    }

    private static String oneLine(String body) {
        String s = body.strip().replaceAll("\\s+", " ");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
