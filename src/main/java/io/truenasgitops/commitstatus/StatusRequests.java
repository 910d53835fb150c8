package io.truenasgitops.commitstatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.truenasgitops.notify.HttpCall;
import io.truenasgitops.notify.Secret;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request each host's API documents for setting one commit status (pure):
 * <ul>
 *   <li>GitHub: {@code POST /repos/{owner}/{repo}/statuses/{sha}}, {@code Authorization: Bearer}, JSON
 *       {@code state}, {@code context}, {@code description}, {@code target_url};</li>
 *   <li>GitLab: {@code POST /projects/{id or url-encoded path}/statuses/{sha}}, {@code PRIVATE-TOKEN}, JSON
 *       {@code state}, {@code name}, {@code description}, {@code target_url};</li>
 *   <li>Gitea and Forgejo: {@code POST /repos/{owner}/{repo}/statuses/{sha}}, {@code Authorization: token}, JSON
 *       as GitHub's;</li>
 *   <li>Bitbucket Cloud: {@code POST /repositories/{workspace}/{repo}/commit/{sha}/statuses/build}, basic auth
 *       ({@code user:app-password}) or {@code Bearer}, JSON {@code key} (at most 40 characters), {@code state},
 *       {@code name}, {@code description}, {@code url} (required).</li>
 * </ul>
 */
public final class StatusRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BITBUCKET_KEY_LIMIT = 40;

    private StatusRequests() {}

    /** The request that sets {@code status} through {@code endpoint}, authenticated with {@code token}. */
    public static HttpCall request(Endpoint endpoint, Secret token, CommitStatus status) {
        Forge forge = endpoint.forge();
        String description = shorten(status.description(), forge.descriptionLimit());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        ObjectNode body = JSON.createObjectNode();
        String path;
        switch (forge) {
            case GITHUB, GITEA, FORGEJO -> {
                path = "/repos/" + endpoint.repository() + "/statuses/" + status.revision();
                if (forge == Forge.GITHUB) {
                    headers.put("Accept", "application/vnd.github+json");
                    headers.put("X-GitHub-Api-Version", "2022-11-28");
                    headers.put("Authorization", "Bearer " + token.reveal());
                } else {
                    headers.put("Accept", "application/json");
                    headers.put("Authorization", "token " + token.reveal());
                }
                body.put("state", status.state().word(forge));
                putIfPresent(body, "target_url", status.targetUrl());
                body.put("description", description);
                body.put("context", status.context());
            }
            case GITLAB -> {
                path = "/projects/" + URLEncoder.encode(endpoint.repository(), StandardCharsets.UTF_8) + "/statuses/"
                        + status.revision();
                headers.put("Accept", "application/json");
                headers.put("PRIVATE-TOKEN", token.reveal());
                body.put("state", status.state().word(forge));
                body.put("name", status.context());
                body.put("description", description);
                putIfPresent(body, "target_url", status.targetUrl());
            }
            case BITBUCKET -> {
                path = "/repositories/" + endpoint.repository() + "/commit/" + status.revision() + "/statuses/build";
                headers.put("Accept", "application/json");
                String t = token.reveal();
                headers.put("Authorization", t.contains(":")
                        ? "Basic " + Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8))
                        : "Bearer " + t);
                body.put("key", bitbucketKey(status.context()));
                body.put("state", status.state().word(forge));
                body.put("name", status.context());
                body.put("description", description);
                // Bitbucket requires a link; without a status page the commit's own page stands in
                body.put("url", status.targetUrl() != null ? status.targetUrl()
                        : "https://bitbucket.org/" + endpoint.repository() + "/commits/" + status.revision());
            }
            default -> throw new IllegalStateException("no request for " + forge);
        }
        try {
            return new HttpCall("POST", URI.create(endpoint.apiBase() + path), headers, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a commit status as JSON", e);
        }
    }

    /** The context itself when Bitbucket takes it as a key (40 characters at most), else its SHA-1 in hex. */
    static String bitbucketKey(String context) {
        if (context.length() <= BITBUCKET_KEY_LIMIT) {
            return context;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(context.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-1 in this JVM", e);
        }
    }

    /** {@code text} cut to {@code limit} characters (code points), ending in an ellipsis when cut. */
    static String shorten(String text, int limit) {
        if (text.codePointCount(0, text.length()) <= limit) {
            return text;
        }
        int end = text.offsetByCodePoints(0, limit - 1);
        return text.substring(0, end).stripTrailing() + "…";
    }

    private static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
