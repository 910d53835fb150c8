package io.truenasgitops.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists an image's tags through the Registry HTTP API v2 ({@code GET /v2/NAME/tags/list}, following the {@code Link}
 * header's next page), the way Docker Hub, GHCR, Quay and the CNCF distribution registry answer it: a {@code 401}
 * with {@code WWW-Authenticate: Bearer realm=…,service=…,scope=…} is answered by fetching a pull token from the
 * realm (with the registry's login when there is one) and asking again; {@code Basic} sends the login itself.
 * HTTPS always, except for a registry on this machine's loopback (Docker's own default for {@code 127.0.0.0/8});
 * a login is never sent over plain HTTP to any other address, nor to a token realm that is not HTTPS.
 */
public final class RegistryClient implements TagSource {

    /** At most this many pages of tags (a page is up to 1000 tags). */
    static final int MAX_PAGES = 50;
    /** At most this much JSON per answer. */
    static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final HttpClient http;
    private final RegistryCredentials credentials;
    private final ObjectMapper json = new ObjectMapper();
    private final Duration timeout;

    public RegistryClient(RegistryCredentials credentials, Duration timeout) {
        this.credentials = credentials;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public List<String> tags(ImageRef image) throws RegistryException {
        String where = image.registry() + "/" + image.repository();
        String base = (isLoopback(image.apiHost()) ? "http://" : "https://") + image.apiHost();
        URI next = URI.create(base + "/v2/" + image.repository() + "/tags/list?n=1000");
        List<String> tags = new ArrayList<>();
        String authorization = null;
        for (int page = 0; next != null; page++) {
            if (page >= MAX_PAGES) {
                throw new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where + ": more than "
                        + MAX_PAGES + " pages of tags; narrow the image or ask its publisher");
            }
            HttpResponse<InputStream> answer = send(next, authorization, where);
            if (answer.statusCode() == 401 && authorization == null) {
                close(answer);
                authorization = authorize(image, answer.headers().firstValue("WWW-Authenticate").orElse(""), where);
                answer = send(next, authorization, where);
            }
            int status = answer.statusCode();
            if (status != 200) {
                close(answer);
                throw refusal(status, image, where);
            }
            JsonNode body = readJson(answer, where);
            JsonNode list = body.get("tags");
            if (list != null && list.isArray()) {
                list.forEach(t -> {
                    if (t.isTextual()) {
                        tags.add(t.asText());
                    }
                });
            } else if (list != null && !list.isNull()) {
                throw new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where
                        + " answered tags that are not a list: is " + image.apiHost() + " a container registry?");
            }
            next = nextPage(answer.headers().firstValue("Link").orElse(null), URI.create(base));
        }
        return tags;
    }

    private HttpResponse<InputStream> send(URI uri, String authorization, String where) throws RegistryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "registry " + where + " cannot be reached ("
                    + uri.getScheme() + "://" + uri.getAuthority() + "): " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "registry " + where + ": interrupted");
        }
    }

    /** The Authorization header the challenge asks for; a login goes only where it is safe to send. */
    private String authorize(ImageRef image, String challenge, String where) throws RegistryException {
        Optional<RegistryCredentials.Login> login = credentials.forRegistry(image.registry());
        String scheme = challenge.strip().split("\\s+", 2)[0];
        if (scheme.equalsIgnoreCase("Basic")) {
            if (login.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + where + " wants a login:"
                        + " add " + image.registry() + " to the registry credentials file (--registry-auth)");
            }
            return basic(login.get());
        }
        if (!scheme.equalsIgnoreCase("Bearer")) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + where
                    + " asks for an authentication this tool does not speak ('" + scheme + "'); it speaks Bearer and Basic");
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where
                    + " asked for a token without saying where to get it (no realm)");
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where + " named a token"
                    + " service that is not a URL");
        }
        boolean safe = "https".equalsIgnoreCase(realmUri.getScheme())
                || "http".equalsIgnoreCase(realmUri.getScheme()) && isLoopback(realmUri.getHost());
        if (!safe) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + where + " sends logins to "
                    + realmUri.getScheme() + "://" + realmUri.getAuthority() + ", which is not HTTPS: refused");
        }
        StringBuilder q = new StringBuilder();
        if (params.containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        String scope = params.getOrDefault("scope", "repository:" + image.repository() + ":pull");
        q.append(q.isEmpty() ? "" : "&").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + q);
        HttpRequest.Builder request = HttpRequest.newBuilder(tokenUri).timeout(timeout).GET();
        login.ifPresent(l -> request.header("Authorization", basic(l)));
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "registry " + where + ": its token service "
                    + realmUri.getAuthority() + " cannot be reached: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "registry " + where + ": interrupted");
        }
        if (answer.statusCode() != 200) {
            close(answer);
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + where + ": its token service"
                    + " refused " + (login.isPresent() ? "the login of the registry credentials file" : "an anonymous pull")
                    + " (HTTP " + answer.statusCode() + ")" + (login.isPresent() ? ": check the user and token"
                    : ": add " + image.registry() + " to the registry credentials file (--registry-auth)"));
        }
        JsonNode body = readJson(answer, where);
        JsonNode token = body.hasNonNull("token") ? body.get("token") : body.get("access_token");
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            throw new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where
                    + ": its token service answered without a token");
        }
        return "Bearer " + token.asText();
    }

    private static RegistryException refusal(int status, ImageRef image, String where) {
        return switch (status) {
            case 401, 403 -> new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + where
                    + " refused to list tags (HTTP " + status + "): add a login for " + image.registry()
                    + " to the registry credentials file (--registry-auth), or check its token can pull");
            case 404 -> new RegistryException(RegistryException.Kind.NOT_FOUND, "registry " + where + " has no such"
                    + " repository (HTTP 404): check the image name, or give a login if it is private");
            case 429 -> new RegistryException(RegistryException.Kind.RATE_LIMITED, "registry " + where + " limits"
                    + " requests (HTTP 429): try later, or give a login (Docker Hub allows more pulls to logged-in users)");
            default -> new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where
                    + " answered HTTP " + status + " to a tag list");
        };
    }

    private JsonNode readJson(HttpResponse<InputStream> answer, String where) throws RegistryException {
        try (InputStream in = answer.body()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where + " answered more than "
                        + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB");
            }
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.BAD_ANSWER, "registry " + where
                    + " answered something that is not the Registry API's JSON");
        }
    }

    private static URI nextPage(String link, URI base) {
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        if (!m.find()) {
            return null;
        }
        URI next = base.resolve(m.group(1));
        // A next page elsewhere would carry the token to another host: stay on the registry.
        return next.getAuthority() != null && next.getAuthority().equalsIgnoreCase(base.getAuthority()) ? next : null;
    }

    private static String basic(RegistryCredentials.Login login) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static void close(HttpResponse<InputStream> answer) {
        try {
            answer.body().close();
        } catch (IOException ignored) {
            // nothing was read from it
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Whether the host is this machine's loopback, by name or address (no lookup for other names). */
    static boolean isLoopback(String hostPort) {
        String host = hostPort;
        if (host.startsWith("[")) {
            host = host.substring(1, host.indexOf(']') > 0 ? host.indexOf(']') : host.length());
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
