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
    /** TrueNAS accepts 50000–5000000 iterations (truenas_scram SCRAM_MIN_ITERS/SCRAM_MAX_ITERS). */
    static final int MIN_SCRAM_ITERATIONS = 50_000;
    static final int MAX_SCRAM_ITERATIONS = 5_000_000;
    /** The keys SCRAM derived from the API key and the NAS's salt, reused on reconnects; never logged. */
    private volatile ScramClient.DerivedKeys scramKeys;
    /** Whether this NAS logged this client in with SCRAM: from then on AUTO never falls back to PLAIN. */
    private volatile boolean scramSeen;
    private boolean scramAnnounced;
    private boolean plainAnnounced;
    /** The key's owner as a legacy login found it (no username configured, NAS without SCRAM). */
    private volatile String discoveredUsername;

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
            return client.wireProtocol() == Protocol.JSONRPC ? apiKeyLogin(where) : legacyApiKeyLogin(where);
        }
        if (settings.password() != null) {
            if (client.wireProtocol() == Protocol.JSONRPC) {
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("mechanism", "PASSWORD_PLAIN");
                data.put("username", settings.username());
                data.put("password", settings.password());
                data.putObject("login_options").put("user_info", false);
                return client.direct(where, "auth.login_ex", List.of(data))
                        .compose(r -> loginExOutcome(where, r, false, settings.username()))
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
     * The legacy {@code /websocket} (24.10, or a URL that names it): {@code auth.login_with_api_key}, the one way a
     * key logs in there. Never used on JSON-RPC, where the v27 API made it private.
     */
    private Future<Void> legacyApiKeyLogin(String where) {
        return client.direct(where, "auth.login_with_api_key", List.of(settings.apiKey()))
                .compose(r -> r != null && r.asBoolean(false)
                        ? Future.succeededFuture()
                        : Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR,
                                where + " failed: the NAS refused the API key (wrong, expired or revoked; TrueNAS"
                                        + " 25.04+ revokes a key once used over an unencrypted connection): check"
                                        + " the key, or reset it in the TrueNAS UI (Credentials > Users > API"
                                        + " Keys) and update TRUENAS_API_KEY_FILE")));
    }

    /**
     * An API key on JSON-RPC: asks which mechanisms the NAS offers, picks SCRAM-SHA-512 where it is offered (or
     * what the settings force), finds the key's owner, and logs in with {@code auth.login_ex}.
     */
    private Future<Void> apiKeyLogin(String where) {
        return client.direct(where + " (asking which login mechanisms the NAS offers)", "auth.mechanism_choices",
                        List.of())
                .<List<String>>map(LoginFlow::mechanisms)
                .recover(e -> {
                    // 25.04.2–25.10.2 fail this for an anonymous session (an AttributeError), older ones may lack it:
                    // either way a NAS without SCRAM. A lost connection is not an answer.
                    if (e instanceof TrueNasException t && !t.isRetryable() && !t.isConnectionOrAuthProblem()) {
                        return Future.succeededFuture(null);
                    }
                    return Future.failedFuture(e);
                })
                .compose(offered -> {
                    ApiKeyMechanism mechanism;
                    try {
                        mechanism = chooseMechanism(where, offered);
                    } catch (AuthenticationException e) {
                        return Future.failedFuture(e);
                    }
                    return keyOwner(where, mechanism).compose(user -> mechanism == ApiKeyMechanism.SCRAM
                            ? scramLogin(where, user) : apiKeyPlainLogin(where, user));
                });
    }

    private static List<String> mechanisms(JsonNode answer) {
        List<String> out = new ArrayList<>();
        if (answer != null && answer.isArray()) {
            answer.forEach(m -> out.add(m.asText()));
        }
        return out;
    }

    /**
     * SCRAM where offered, PLAIN on a NAS without SCRAM (unless the settings forbid it, or this client logged in
     * with SCRAM to this NAS before: a NAS does not lose SCRAM by itself, a proxy that strips it from the
     * unauthenticated list of mechanisms might). {@code offered} is null when the NAS could not say.
     */
    ApiKeyMechanism chooseMechanism(String where, List<String> offered) throws AuthenticationException {
        boolean scramOffered = offered != null && offered.contains("SCRAM");
        String what = offered == null ? "it cannot say which (TrueNAS before 26.0)" : "it offers " + offered;
        switch (settings.apiKeyMechanism()) {
            case SCRAM -> {
                if (!scramOffered) {
                    throw new AuthenticationException(AuthenticationException.Reason.MECHANISM, where + " failed: the"
                            + " API key mechanism is set to SCRAM but the NAS does not offer SCRAM (" + what + ";"
                            + " TrueNAS has SCRAM from 26.0): upgrade the NAS, or set the mechanism to plain"
                            + " (TRUENAS_API_KEY_MECHANISM=plain) to send the key over TLS with API_KEY_PLAIN");
                }
                return ApiKeyMechanism.SCRAM;
            }
            case PLAIN -> {
                if (offered != null && !offered.isEmpty() && !offered.contains("API_KEY_PLAIN")) {
                    throw new AuthenticationException(AuthenticationException.Reason.MECHANISM, where + " failed: the"
                            + " API key mechanism is set to plain but the NAS does not allow API_KEY_PLAIN (" + what
                            + ", its authenticator assurance level forbids it): set the mechanism to auto or scram");
                }
                return ApiKeyMechanism.PLAIN;
            }
            default -> {
                if (scramOffered) {
                    return ApiKeyMechanism.SCRAM;
                }
                if (scramSeen) {
                    throw new AuthenticationException(AuthenticationException.Reason.MECHANISM, where + " failed: this"
                            + " NAS logged this client in with SCRAM before and now does not offer it (" + what
                            + "); not falling back to sending the key (API_KEY_PLAIN): something between may be"
                            + " stripping SCRAM. If the NAS really was downgraded below 26.0, set"
                            + " TRUENAS_API_KEY_MECHANISM=plain and restart");
                }
                if (!plainAnnounced) {
                    plainAnnounced = true;
                    LOG.infof("%s offers no SCRAM (TrueNAS before 26.0): the API key logs in with API_KEY_PLAIN,"
                            + " protected by %s", client.endpoint(), client.resolvedEndpoint().tls() ? "TLS"
                            : client.resolvedEndpoint().isUnixSocket() ? "the unix socket" : "loopback only");
                }
                return ApiKeyMechanism.PLAIN;
            }
        }
    }

    /**
     * The key's owner: configured, found before, or (for API_KEY_PLAIN only, when the connection's certificate is
     * verified or it is the unix socket) looked up by a legacy login on {@code /websocket} and {@code auth.me}. SCRAM
     * never looks it up: that would send the key SCRAM keeps off the wire.
     */
    private Future<String> keyOwner(String where, ApiKeyMechanism mechanism) {
        if (settings.username() != null) {
            return Future.succeededFuture(settings.username());
        }
        if (discoveredUsername != null) {
            return Future.succeededFuture(discoveredUsername);
        }
        Endpoint endpoint = client.resolvedEndpoint();
        boolean safe = endpoint.isUnixSocket() || (endpoint.tls() && !settings.insecure());
        if (mechanism == ApiKeyMechanism.PLAIN && safe) {
            return lookUpOwner(where, endpoint);
        }
        String why = mechanism == ApiKeyMechanism.SCRAM
                ? "SCRAM names the key by its owner and id, and the owner cannot be asked for without sending the key"
                : "it is not looked up over " + endpoint.describe() + " because that sends the key over a connection"
                        + " whose certificate is not verified (--insecure)";
        return Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.USERNAME_NEEDED, where
                + " failed: the API key's owner is needed (" + why + "): set TRUENAS_USERNAME (--username, or"
                + " truenas-gitops.targets.<name>.username) to the user the key belongs to, as the TrueNAS UI shows it"
                + " under Credentials > Users > API Keys"));
    }

    /** Logs in once on the legacy endpoint with the key alone and asks {@code auth.me} who that is. */
    private Future<String> lookUpOwner(String where, Endpoint endpoint) {
        String url = endpoint.isUnixSocket() ? "ws+unix://" + endpoint.socketPath()
                : "wss://" + endpoint.hostForUri() + ":" + endpoint.port() + Endpoint.LEGACY_PATH;
        ConnectionSettings legacy = ConnectionSettings.builder(url)
                .apiKey(settings.apiKey())
                .tlsFingerprint(settings.tlsFingerprint())
                .caFile(settings.caFile())
                .protocol(Protocol.LEGACY)
                .connectTimeout(settings.connectTimeout())
                .callTimeout(settings.callTimeout())
                .build();
        return client.vertx().<String>executeBlocking(() -> {
            try (TrueNasClient c = TrueNasClient.connect(legacy, client.vertx())) {
                return Json.text(c.call("auth.me"), "pw_name");
            }
        }, false).compose(user -> {
            if (user == null || user.isBlank()) {
                return Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.USERNAME_NEEDED,
                        where + " failed: the NAS did not say who owns the API key: set TRUENAS_USERNAME to that user"));
            }
            discoveredUsername = user;
            LOG.warnf("found the API key's owner '%s' with a legacy login on %s; set TRUENAS_USERNAME=%s (or"
                    + " truenas-gitops.targets.<name>.username): TrueNAS 26.0 logs keys in with SCRAM, which needs it"
                    + " and never looks it up", user, url, user);
            return Future.succeededFuture(user);
        }, e -> Future.failedFuture(e instanceof AuthenticationException ? e
                : new AuthenticationException(AuthenticationException.Reason.USERNAME_NEEDED, where + " failed: the"
                        + " API key's owner is needed and looking it up on " + url + " failed (" + e.getMessage()
                        + "): set TRUENAS_USERNAME to the user the key belongs to")));
    }

    private Future<Void> apiKeyPlainLogin(String where, String user) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("mechanism", "API_KEY_PLAIN");
        data.put("username", user);
        data.put("api_key", settings.apiKey());
        data.putObject("login_options").put("user_info", false);
        return client.direct(where, "auth.login_ex", List.of(data))
                .compose(r -> loginExOutcome(where, r, true, user))
                .recover(e -> Future.failedFuture(onUnixSocket(where, e)));
    }

    /**
     * SCRAM-SHA-512 ({@code auth.login_ex} mechanism SCRAM, TrueNAS 26.0+): channel-bound to the TLS certificate
     * the connection got (RFC 5929 {@code tls-server-end-point}) over {@code wss://}, unbound on the unix socket
     * and loopback {@code ws://}; the server's signature is checked, so a server without the key's credentials is
     * found out. The key's derivation (PBKDF2, 500000 rounds) runs off the event loop and is kept for reconnects.
     */
    private Future<Void> scramLogin(String where, String user) {
        String key = settings.apiKey();
        int dash = key.indexOf('-');
        if (dash <= 0 || !key.substring(0, dash).chars().allMatch(Character::isDigit)) {
            return Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, where
                    + " failed: the API key does not look like <id>-<key> (the id is the number before the dash):"
                    + " copy the whole key as TrueNAS showed it when it was made"));
        }
        String keyId = key.substring(0, dash);
        String material = key.substring(dash + 1);
        ScramClient scram;
        boolean bound;
        try {
            byte[] binding = null;
            if (client.resolvedEndpoint().tls()) {
                java.security.cert.X509Certificate certificate = client.peerCertificate();
                if (certificate == null) {
                    throw new ScramClient.ScramException("the TLS connection shows no server certificate to bind to");
                }
                binding = ChannelBinding.tlsServerEndPoint(certificate);
            }
            bound = binding != null;
            scram = new ScramClient(ScramClient.Hash.SHA512, user + ":" + keyId, ScramClient.newNonce(),
                    bound ? ChannelBinding.TLS_SERVER_END_POINT : null, binding);
        } catch (ScramClient.ScramException e) {
            return Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.OTHER, where
                    + " failed (SCRAM): " + e.getMessage()));
        }
        String how = bound ? "SCRAM-SHA-512, channel-bound to the NAS's TLS certificate" : "SCRAM-SHA-512";
        ObjectNode first = Json.MAPPER.createObjectNode();
        first.put("mechanism", "SCRAM");
        first.put("scram_type", "CLIENT_FIRST_MESSAGE");
        first.put("rfc_str", scram.clientFirst());
        return client.direct(where, "auth.login_ex", List.of(first))
                .recover(e -> Future.failedFuture(onUnixSocket(where, e)))
                .compose(r -> {
                    if (!"SCRAM_RESPONSE".equals(Json.text(r, "response_type"))) {
                        return scramRefused(where, r, user, bound).mapEmpty();
                    }
                    String serverFirst = Json.text(r, "rfc_str");
                    ScramClient.DerivedKeys cached = scramKeys;
                    return client.vertx().<String>executeBlocking(() -> scram.clientFinal(serverFirst, material,
                                    cached, MIN_SCRAM_ITERATIONS, MAX_SCRAM_ITERATIONS), false)
                            .recover(e -> Future.failedFuture(e instanceof ScramClient.ScramException
                                    ? new AuthenticationException(AuthenticationException.Reason.OTHER, where
                                            + " failed (SCRAM): " + e.getMessage()) : e))
                            .compose(finalMessage -> {
                                ObjectNode last = Json.MAPPER.createObjectNode();
                                last.put("mechanism", "SCRAM");
                                last.put("scram_type", "CLIENT_FINAL_MESSAGE");
                                last.put("rfc_str", finalMessage);
                                return client.direct(where, "auth.login_ex", List.of(last));
                            })
                            .compose(answer -> {
                                if (!"SCRAM_RESPONSE".equals(Json.text(answer, "response_type"))) {
                                    return scramRefused(where, answer, user, bound);
                                }
                                try {
                                    scram.verifyServerFinal(Json.text(answer, "rfc_str"));
                                } catch (ScramClient.ScramException e) {
                                    AuthenticationException failure = new AuthenticationException(
                                            AuthenticationException.Reason.SERVER_NOT_AUTHENTIC, where + " failed"
                                                    + " (SCRAM): " + e.getMessage() + "; logged out again. Check that"
                                                    + " the URL is the NAS the key was made on");
                                    return client.direct(where, "auth.logout", List.of())
                                            .<Void>transform(x -> Future.failedFuture(failure));
                                }
                                scramKeys = scram.derivedKeys();
                                scramSeen = true;
                                if (!scramAnnounced) {
                                    scramAnnounced = true;
                                    LOG.infof("logged in to %s as '%s' with %s (the key was not sent)",
                                            client.endpoint(), user, how);
                                }
                                return Future.<Void>succeededFuture();
                            });
                });
    }

    /** A SCRAM message answered with something else than SCRAM_RESPONSE: AUTH_ERR, or another login_ex answer. */
    private Future<Void> scramRefused(String where, JsonNode answer, String user, boolean bound) {
        if ("AUTH_ERR".equals(Json.text(answer, "response_type"))) {
            return Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, where
                    + " failed (SCRAM, AUTH_ERR): the NAS refused the API key for user '" + user + "': check the key,"
                    + " that it belongs to that user (TRUENAS_USERNAME) and that it is neither revoked nor expired"
                    + (bound ? "; the login was bound to the TLS certificate this client saw, so a proxy that ends"
                            + " TLS between here and the NAS makes it fail too" : "")));
        }
        return loginExOutcome(where, answer, true, user).compose(v -> Future.failedFuture(new AuthenticationException(
                AuthenticationException.Reason.OTHER, where + " failed (SCRAM): unexpected answer '"
                        + Json.text(answer, "response_type") + "'")));
    }

    /**
     * 26.0 takes API keys over TCP only: on the unix socket {@code auth.login_ex} fails with a TypeError, which says
     * nothing useful; the socket's peer credentials are the way in there.
     */
    private Throwable onUnixSocket(String where, Throwable e) {
        if (!client.resolvedEndpoint().isUnixSocket() || !(e instanceof TrueNasException t) || t.isRetryable()
                || e instanceof AuthenticationException) {
            return e;
        }
        return new AuthenticationException(AuthenticationException.Reason.OTHER, where + " failed: the NAS refused an"
                + " API key on its unix socket (" + e.getMessage() + "); TrueNAS 26.0 takes API keys over TCP only:"
                + " drop the API key and let the socket's peer credentials log in (run as root, or as the uid of a"
                + " NAS user with a privilege; docs/security.md), or connect with wss://");
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

    private Future<Void> loginExOutcome(String where, JsonNode response, boolean apiKey, String username) {
        String type = Json.text(response, "response_type");
        String who = "user '" + username + "'";
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
