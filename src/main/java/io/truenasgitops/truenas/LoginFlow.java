package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The login of a new connection: API key, password (with a one-time password), session token or the unix
 * socket's peer credentials, on either protocol; with a session token also the single-use token kept to
 * reconnect with. Runs on the client's context, like everything that touches the connection.
 */
final class LoginFlow {
    private static final Logger LOG = Logger.getLogger(MiddlewareClient.class);

    /**
     * How long the reconnect token stays valid unused (an inactivity ttl on the NAS); renewed at half of it, so a
     * NAS keeps at most a few of them (it drops expired tokens only when they are looked up).
     */
    static final Duration RECONNECT_TOKEN_TTL = Duration.ofHours(24);

    private final MiddlewareClient client;
    private final ConnectionSettings settings;
    /** With a session token: the single-use token for the next login, asked for while logged in; never logged. */
    private String reconnectToken;
    private long reconnectTokenAt;

    LoginFlow(MiddlewareClient client, ConnectionSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    /** Logs the new connection in with the configured credentials (or the peer uid on a unix socket). */
    Future<Void> login() {
        String where = "login to " + client.endpoint();
        if (settings.sessionToken() != null) {
            return sessionTokenLogin(where);
        }
        if (settings.apiKey() != null) {
            if (client.wireProtocol() == Protocol.JSONRPC && settings.username() != null) {
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("mechanism", "API_KEY_PLAIN");
                data.put("username", settings.username());
                data.put("api_key", settings.apiKey());
                data.putObject("login_options").put("user_info", false);
                return client.direct(where, "auth.login_ex", List.of(data)).compose(r -> loginExOutcome(where, r, true));
            }
            return client.direct(where, "auth.login_with_api_key", List.of(settings.apiKey()))
                    .compose(r -> r != null && r.asBoolean(false)
                            ? Future.succeededFuture()
                            : Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR,
                                    where + " failed: the NAS refused the API key (wrong, expired or revoked; TrueNAS"
                                            + " 25.04+ revokes a key once used over an unencrypted connection): check"
                                            + " the key, or reset it in the TrueNAS UI (Credentials > Users > API"
                                            + " Keys) and update TRUENAS_API_KEY_FILE")));
        }
        if (settings.password() != null) {
            if (client.wireProtocol() == Protocol.JSONRPC) {
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("mechanism", "PASSWORD_PLAIN");
                data.put("username", settings.username());
                data.put("password", settings.password());
                data.putObject("login_options").put("user_info", false);
                return client.direct(where, "auth.login_ex", List.of(data))
                        .compose(r -> loginExOutcome(where, r, false))
                        .recover(e -> e instanceof MethodNotFoundException ? legacyPasswordLogin(where)
                                : Future.failedFuture(e));
            }
            return legacyPasswordLogin(where);
        }
        return peerCredentialLogin(where);
    }

    /**
     * Logs in with the person's session token, or, on a reconnect, with the single-use token this client asked
     * for while it was logged in: the middleware destroys a token when the session that logged in with it ends,
     * so the first one cannot serve twice. Then asks for the next reconnect token.
     */
    private Future<Void> sessionTokenLogin(String where) {
        boolean reconnecting = reconnectToken != null;
        String token = reconnecting ? reconnectToken : settings.sessionToken();
        reconnectToken = null; // used up by this attempt, whatever its outcome
        Future<String> answer;
        if (client.wireProtocol() == Protocol.JSONRPC) {
            ObjectNode data = Json.MAPPER.createObjectNode();
            data.put("mechanism", "TOKEN_PLAIN");
            data.put("token", token);
            data.putObject("login_options").put("user_info", false);
            answer = client.direct(where, "auth.login_ex", List.of(data)).map(r -> String.valueOf(Json.text(r, "response_type")));
        } else {
            answer = client.direct(where, "auth.login_with_token", List.of(token))
                    .map(r -> r != null && r.asBoolean(false) ? "SUCCESS" : "AUTH_ERR");
        }
        return answer.compose(type -> "SUCCESS".equals(type)
                ? askForReconnectToken(where)
                : Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, reconnecting
                        ? where + " failed (" + type + "): the NAS refused the single-use token this client kept to"
                                + " reconnect with (the middleware restarted and forgot its tokens, or the connection"
                                + " was down for longer than the token's " + RECONNECT_TOKEN_TTL.toHours() + " h): write a"
                                + " new session token to the session token file and restart, or log in with an API"
                                + " key, which outlives restarts"
                        : where + " failed (" + type + "): the NAS refused the session token: it expired (unused"
                                + " for longer than its ttl, 600 s unless generate_token was given another), it was"
                                + " used before (single-use, or its session has ended: a token logs in one session),"
                                + " or it was made on a connection from another address (match_origin); generate a"
                                + " new one on a logged-in session (auth.generate_token) and write it to the session"
                                + " token file")));
    }

    /**
     * Asks the logged-in session for a single-use token bound to this client's address (25.04+; 24.10 has no
     * single-use tokens: there it is bound to the address only), kept in memory for the next reconnect and
     * never shown. A NAS that refuses leaves the client without one: a reconnect then needs a new token.
     */
    private Future<Void> askForReconnectToken(String where) {
        return client.direct(where + " (asking for a token to reconnect with)", "auth.generate_token", reconnectTokenArgs())
                .<Void>map(r -> {
                    keepReconnectToken(r);
                    return null;
                })
                .recover(e -> {
                    LOG.warnf("%s: the NAS gave no token to reconnect with (%s); after a lost connection a new"
                            + " session token will be needed", where, e.getMessage());
                    return Future.succeededFuture();
                });
    }

    private List<Object> reconnectTokenArgs() {
        long ttl = RECONNECT_TOKEN_TTL.toSeconds();
        return client.wireProtocol() == Protocol.JSONRPC
                ? List.of(ttl, Map.of(), true, true)
                : List.of(ttl, Map.of(), true);
    }

    private void keepReconnectToken(JsonNode answer) {
        if (answer != null && answer.isTextual() && !answer.asText().isBlank()) {
            reconnectToken = answer.asText();
            reconnectTokenAt = System.nanoTime();
        }
    }

    /** While connected: a reconnect token older than half its ttl is replaced, so that one is always valid. */
    void renewReconnectTokenIfOld() {
        if (settings.sessionToken() == null || !client.isReady()
                || System.nanoTime() - reconnectTokenAt < RECONNECT_TOKEN_TTL.toNanos() / 2) {
            return;
        }
        reconnectTokenAt = System.nanoTime(); // one renewal at a time
        client.callWhenReady("renewing the reconnect token on " + client.endpoint(), "auth.generate_token",
                reconnectTokenArgs())
                .onSuccess(this::keepReconnectToken)
                .onFailure(e -> LOG.warnf("cannot renew the token to reconnect to %s with: %s", client.endpoint(),
                        e.getMessage()));
    }

    /**
     * No credentials: only allowed on a unix socket, where the middleware logs a connection in by the peer's uid
     * when it opens (plugins/auth.py {@code check_permission}): uid 0 as root with full admin rights, the uid of a
     * NAS user with a privilege as that user; any other uid stays anonymous. {@code auth.me} tells which.
     */
    private Future<Void> peerCredentialLogin(String where) {
        return client.direct(where, "auth.me", List.of())
                .<Void>map(me -> {
                    String user = Json.text(me, "pw_name");
                    LOG.infof("logged in to %s as '%s' by the unix socket's peer credentials (uid %s)%s",
                            client.endpoint(), user, MiddlewareClient.ownUid(), "root".equals(user)
                                    ? ": full administrator rights on the NAS (docs/security.md)" : "");
                    return null;
                })
                .recover(e -> Future.failedFuture(e instanceof NotAuthenticatedException
                        ? new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, where + " failed: the"
                                + " middleware did not log in this process (uid " + MiddlewareClient.ownUid() + ") by its unix socket"
                                + " credentials; it does that only for root (uid 0, full admin rights) and for the uid"
                                + " of a NAS user that holds a privilege: run the container as such a user (compose"
                                + " 'user:'), or give an API key (TRUENAS_API_KEY_FILE) to log in with it over the"
                                + " socket; see docs/security.md")
                        : e));
    }


    private Future<Void> legacyPasswordLogin(String where) {
        List<Object> params = new ArrayList<>(List.of(settings.username(), settings.password()));
        if (settings.otp() != null) {
            params.add(settings.otp());
        }
        return client.direct(where, "auth.login", params).compose(r -> r != null && r.asBoolean(false)
                ? Future.succeededFuture()
                : Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR,
                        where + " failed: wrong username or password for user '" + settings.username()
                                + "' (or a one-time password is needed: --otp)")));
    }

    private Future<Void> loginExOutcome(String where, JsonNode response, boolean apiKey) {
        String type = Json.text(response, "response_type");
        String who = "user '" + settings.username() + "'";
        AuthenticationException failure = switch (type == null ? "" : type) {
            case "SUCCESS" -> null;
            case "AUTH_ERR" -> new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, apiKey
                    ? where + " failed (AUTH_ERR): the NAS refused the API key for " + who
                            + ": check the key and that it belongs to that user"
                    : where + " failed (AUTH_ERR): wrong username or password for " + who);
            case "EXPIRED" -> new AuthenticationException(AuthenticationException.Reason.EXPIRED, apiKey
                    ? where + " failed (EXPIRED): the API key of " + who + " is expired or revoked (TrueNAS revokes a"
                            + " key once used over an unencrypted connection); reset the key in the TrueNAS UI"
                            + " (Credentials > Users > API Keys) or create a new one, then update"
                            + " TRUENAS_API_KEY_FILE"
                    : where + " failed (EXPIRED): the password of " + who + " has expired; change it in the"
                            + " TrueNAS UI");
            case "OTP_REQUIRED" -> settings.otp() != null ? null
                    : new AuthenticationException(AuthenticationException.Reason.OTP_REQUIRED, where
                            + " failed (OTP_REQUIRED): " + who + " has two-factor authentication; pass the current"
                            + " one-time password with --otp (or TRUENAS_OTP)");
            case "REDIRECT" -> new AuthenticationException(AuthenticationException.Reason.REDIRECT, where
                    + " failed (REDIRECT): this is a standby controller; connect to " + response.path("urls"));
            case "DENIED" -> new AuthenticationException(AuthenticationException.Reason.DENIED, where
                    + " failed (DENIED): " + who + " may not use the API; allow it in the TrueNAS UI");
            default -> new AuthenticationException(AuthenticationException.Reason.OTHER, where
                    + " failed: unexpected answer '" + type + "'");
        };
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        if ("OTP_REQUIRED".equals(type)) {
            ObjectNode otp = Json.MAPPER.createObjectNode();
            otp.put("mechanism", "OTP_TOKEN");
            otp.put("otp_token", settings.otp());
            return client.direct(where, "auth.login_ex_continue", List.of(otp)).compose(r -> {
                String next = Json.text(r, "response_type");
                if ("SUCCESS".equals(next)) {
                    return Future.succeededFuture();
                }
                return Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR,
                        where + " failed (" + next + "): the one-time password was not accepted; use a fresh one"));
            });
        }
        return Future.succeededFuture();
    }
}
