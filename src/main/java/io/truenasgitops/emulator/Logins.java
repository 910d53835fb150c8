package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.arg;
import static io.truenasgitops.emulator.Params.textArg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Authentication: the login methods of every release (api key, password with OTP, tokens, {@code login_ex}),
 * session tokens, {@code auth.me}, and the credentials of unix socket peers.
 */
final class Logins implements MethodArea {
    private final NasState nas;

    Logins(NasState nas) {
        this.nas = nas;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        methods.noAuth("auth.login_with_api_key", true, this::loginWithApiKey);
        methods.noAuth("auth.login", true, this::login);
        methods.noAuth("auth.login_with_token", true, this::loginWithToken);
        methods.def("auth.me", (s, p) -> me(s, true));
        methods.def("auth.logout", (s, p) -> {
            nas.logoutToken(s);
            s.credentials = null;
            return BooleanNode.TRUE;
        });
        methods.def("auth.generate_token", this::generateToken);
        if (methods.release().atLeast(Release.V27_0)) {
            // plugins/auth.py: removed_in='v27', so private on /api/v27.0.0 (and /api/current), public before.
            methods.removedIn("auth.login_with_api_key", "v27.0.0");
            methods.removedIn("auth.login", "v27.0.0");
        }
        if (methods.release().jsonRpc()) {
            methods.noAuth("auth.login_ex", true, (s, p) -> loginEx(s, arg(p, 0), false));
            methods.noAuth("auth.login_ex_continue", true, (s, p) -> loginEx(s, arg(p, 0), true));
            methods.noAuth("auth.mechanism_choices", true, (s, p) -> {
                if (methods.release().scram()) {
                    // 26.0: utils/auth.py AA_LEVEL1 mechanisms, in their order; anonymous sessions may ask.
                    ArrayNode out = Json.array();
                    List.of("API_KEY_PLAIN", "TOKEN_PLAIN", "PASSWORD_PLAIN", "SCRAM").forEach(out::add);
                    return out;
                }
                if (!s.authenticated()) {
                    // 25.04.2+ bug: the check dereferences the missing credentials of an anonymous session.
                    throw new MiddlewareError.Other("AttributeError",
                            "'NoneType' object has no attribute 'may_create_auth_token'");
                }
                ArrayNode out = Json.array();
                List.of("API_KEY_PLAIN", "PASSWORD_PLAIN", "TOKEN_PLAIN", "OTP_TOKEN").forEach(out::add);
                return out;
            });
        }
    }

    /** The uid of the NAS's built-in admin user (account_/constants.py ADMIN_UID): {@code username} here. */
    static final int ADMIN_UID = 950;

    /**
     * A session token ({@code auth.generate_token}): {@code ttl} is an inactivity window refreshed by every use,
     * {@code origin} the client address it is bound to (match_origin) or null, {@code attrs} whether it was made
     * with attributes (such tokens are for downloads and the like, never for logging in).
     */
    record Token(String value, String username, String origin, Duration ttl, boolean singleUse, boolean attrs,
            long[] lastUsed) {
        boolean valid(long now) {
            return now - lastUsed[0] < ttl.toNanos();
        }
    }

    /**
     * plugins/auth.py {@code SessionManager._app_on_message}: every message of a session logged in with a token
     * first checks the token (expired: the session is logged out) and then refreshes it.
     */
    void onMessage(Session session) {
        Session.Credentials c = session.credentials;
        if (c == null || c.token() == null) {
            return;
        }
        // The session holds the token itself: a single-use token, gone from the manager since the login, keeps
        // its session alive as long as it is used within its ttl.
        Token token = c.token();
        long now = System.nanoTime();
        if (!token.valid(now)) {
            nas.logoutToken(session);
            session.credentials = null;
            return;
        }
        token.lastUsed()[0] = now;
    }

    void ageTokens(Duration idle) {
        nas.tokens.values().forEach(t -> t.lastUsed()[0] -= idle.toNanos());
    }

    int liveTokens() {
        long now = System.nanoTime();
        return (int) nas.tokens.values().stream().filter(t -> t.valid(now)).count();
    }

    /**
     * plugins/auth.py {@code check_permission}, the {@code core.on_connect} hook: a unix socket connection from uid
     * 0 is logged in as root with full admin rights; from the uid of a NAS user with a privilege as that user (here
     * the one user, {@code username}, as {@link #ADMIN_UID}); from any other uid it stays anonymous and must log in.
     */
    void onUnixConnect(Session session, int uid) {
        session.peerUid = uid;
        if (uid == 0) {
            session.credentials = new Session.Credentials("root", "UNIX_SOCKET", null, null);
        } else if (uid == ADMIN_UID) {
            session.credentials = new Session.Credentials(nas.options.username(), "UNIX_SOCKET", null, null);
        }
    }

    boolean canSubscribe(Session session) {
        return session.authenticated();
    }

    private void failedLoginDelay() {
        NasState.sleep(nas.options.failedLoginDelay());
    }

    static ObjectNode credentialsDump(Session.Credentials c) {
        ObjectNode out = Json.object();
        out.put("type", c.type());
        ObjectNode data = out.putObject("data");
        data.put("username", c.username());
        if (c.apiKeyId() != null) {
            ObjectNode key = data.putObject("api_key");
            key.put("id", c.apiKeyId());
            key.put("name", c.apiKeyName());
        }
        return out;
    }

    private JsonNode me(Session s, boolean strict) {
        Session.Credentials c = s.credentials;
        if (strict && nas.release() == Release.V24_10 && "API_KEY".equals(c.type())) {
            throw new MiddlewareError.Call(Errno.EFAULT, "You are logged in using API_KEY");
        }
        ObjectNode me = Json.object();
        me.put("pw_name", c.username());
        me.put("pw_gecos", c.username().equals("root") ? "root" : "Local Administrator");
        me.put("pw_dir", c.username().equals("root") ? "/root" : "/home/" + c.username());
        me.put("pw_shell", "/usr/bin/zsh");
        boolean root = c.username().equals("root");
        me.put("pw_uid", root ? 0 : ADMIN_UID);
        me.put("pw_gid", root ? 0 : ADMIN_UID);
        me.putArray("grouplist").add(root ? 0 : ADMIN_UID).add(544);
        me.putNull("sid");
        me.put("source", "LOCAL");
        me.put("local", true);
        me.putObject("attributes");
        ObjectNode twoFactor = me.putObject("two_factor_config");
        twoFactor.put("secret_configured", nas.options.otpSecret() != null);
        twoFactor.put("interval", 30);
        twoFactor.put("otp_digits", 6);
        ObjectNode privilege = me.putObject("privilege");
        privilege.putObject("roles").putArray("$set").add("FULL_ADMIN");
        privilege.put("web_shell", true);
        me.putArray("account_attributes").add("LOCAL").add("SYS_ADMIN");
        return me;
    }

    private boolean keyMatches(String key) {
        return key != null && java.security.MessageDigest.isEqual(key.getBytes(), nas.apiKey.getBytes());
    }

    private ObjectNode response(String type) {
        ObjectNode r = Json.object();
        r.put("response_type", type);
        return r;
    }

    private ObjectNode success(Session s, boolean userInfo) {
        ObjectNode r = response("SUCCESS");
        if (userInfo) {
            r.set("user_info", me(s, false));
        } else {
            r.putNull("user_info");
        }
        r.put("authenticator", "LEVEL_1");
        return r;
    }

    /** login_ex API_KEY_PLAIN, including the 25.04 insecure-transport revocation. */
    private String apiKeyPlain(Session s, String username, String key) {
        if (!keyMatches(key) || !nas.options.username().equals(username)) {
            failedLoginDelay();
            return "AUTH_ERR";
        }
        if (nas.apiKeyRevoked) {
            failedLoginDelay();
            return "EXPIRED";
        }
        if (!s.secureTransport) {
            nas.apiKeyRevoked = true;
            return "EXPIRED";
        }
        s.pendingOtpUser = null;
        s.credentials = new Session.Credentials(nas.options.username(), "API_KEY", nas.apiKeyId, "truenas-gitops");
        return "SUCCESS";
    }

    private JsonNode loginWithApiKey(Session s, ArrayNode p) {
        String key = textArg(p, 0, "api_key");
        if (nas.release() == Release.V24_10) {
            if (keyMatches(key)) {
                s.credentials = new Session.Credentials(nas.options.username(), "API_KEY", nas.apiKeyId, "truenas-gitops");
                return BooleanNode.TRUE;
            }
            failedLoginDelay();
            return BooleanNode.FALSE;
        }
        refuseUnixSocket(s, "ApiKeyPamAuthenticator");
        return BooleanNode.valueOf(apiKeyPlain(s, nas.options.username(), key).equals("SUCCESS"));
    }

    private boolean passwordMatches(String username, String password) {
        return nas.options.username().equals(username) && nas.options.password() != null && nas.options.password().equals(password);
    }

    private JsonNode login(Session s, ArrayNode p) {
        String username = textArg(p, 0, "username");
        String password = textArg(p, 1, "password");
        JsonNode otp = arg(p, 2);
        if (!passwordMatches(username, password)) {
            failedLoginDelay();
            return BooleanNode.FALSE;
        }
        if (nas.options.otpSecret() != null && (otp == null || otp.isNull() || !Totp.verify(nas.options.otpSecret(), otp.asText()))) {
            failedLoginDelay();
            return BooleanNode.FALSE;
        }
        s.credentials = new Session.Credentials(username, "LOGIN_PASSWORD", null, null);
        return BooleanNode.TRUE;
    }

    private JsonNode loginWithToken(Session s, ArrayNode p) {
        String token = textArg(p, 0, "token");
        return BooleanNode.valueOf(tokenLogin(s, token));
    }

    /**
     * TOKEN_PLAIN / auth.login_with_token (TokenManager.get): an unknown, expired (popped), foreign-origin or
     * attribute-carrying token is refused alike, with AUTH_ERR after the failed-login delay; a single-use token
     * is destroyed by the login, any other by the logout (or close) of the session it logged in.
     */
    private boolean tokenLogin(Session s, String value) {
        Token token = value == null ? null : nas.tokens.get(value);
        long now = System.nanoTime();
        if (token != null && !token.valid(now)) {
            nas.tokens.remove(value);
            token = null;
        }
        if (token == null || token.attrs() || (token.origin() != null && !token.origin().equals(s.remoteAddress))) {
            failedLoginDelay();
            return false;
        }
        if (token.singleUse()) {
            nas.tokens.remove(value);
        }
        token.lastUsed()[0] = now;
        nas.logoutToken(s);
        s.credentials = new Session.Credentials(token.username(), "TOKEN", null, null, token);
        return true;
    }

    /**
     * generate_token(ttl=600, attrs={}, match_origin, single_use=False): 24.10 takes three arguments and binds
     * to the origin only when asked (match_origin=False); 25.04 added single_use and made match_origin=True the
     * default. A token made on a token session acts for the same user.
     */
    private JsonNode generateToken(Session s, ArrayNode p) {
        boolean v2410 = nas.release() == Release.V24_10;
        if (v2410 && p != null && p.size() > 3) {
            throw new MiddlewareError.Call(Errno.EFAULT, "Too many arguments (expected 3, found " + p.size() + ")");
        }
        JsonNode ttl = arg(p, 0);
        JsonNode attrs = arg(p, 1);
        JsonNode matchOrigin = arg(p, 2);
        JsonNode singleUse = v2410 ? null : arg(p, 3);
        byte[] bytes = new byte[48];
        NasState.RANDOM.nextBytes(bytes);
        String value = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        boolean match = matchOrigin == null || matchOrigin.isNull() ? !v2410 : matchOrigin.asBoolean(!v2410);
        nas.tokens.put(value, new Token(value, s.credentials.username(), match ? s.remoteAddress : null,
                Duration.ofSeconds(ttl == null || ttl.isNull() ? 600 : ttl.asLong(600)),
                singleUse != null && singleUse.asBoolean(false), attrs != null && attrs.isObject() && attrs.size() > 0,
                new long[] {System.nanoTime()}));
        return TextNode.valueOf(value);
    }

    private JsonNode loginEx(Session s, JsonNode data, boolean continuation) {
        String attr = continuation ? "login_data" : "login_data";
        if (data == null) {
            throw MiddlewareError.Validation.of(attr, "Field required");
        }
        if (!data.isObject()) {
            throw MiddlewareError.Validation.of(attr, "Input should be a valid dictionary or instance of AuthLoginExArgs");
        }
        String mechanism = data.path("mechanism").asText("");
        if (!mechanism.equals("SCRAM")) {
            // check_auth_mechanism: another mechanism discards an exchange in progress
            s.pendingScram = null;
        }
        boolean userInfo = data.path("login_options").path("user_info").asBoolean(true);
        List<MiddlewareError.Validation.Problem> problems = new ArrayList<>();
        java.util.function.Function<String, String> required = field -> {
            JsonNode v = data.get(field);
            if (v == null) {
                problems.add(new MiddlewareError.Validation.Problem(attr + "." + mechanism + "." + field, "Field required", Errno.EINVAL));
                return null;
            }
            if (!v.isTextual()) {
                problems.add(new MiddlewareError.Validation.Problem(attr + "." + mechanism + "." + field,
                        "Input should be a valid string", Errno.EINVAL));
                return null;
            }
            return v.asText();
        };
        switch (mechanism) {
            case "API_KEY_PLAIN" -> {
                if (continuation) {
                    break;
                }
                String username = required.apply("username");
                String key = required.apply("api_key");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                s.pendingOtpUser = null;
                s.pendingScram = null;
                refuseUnixSocket(s, "ApiKeyPamAuthenticator");
                String result = apiKeyPlain(s, username, key);
                return result.equals("SUCCESS") ? success(s, userInfo) : response(result);
            }
            case "PASSWORD_PLAIN" -> {
                if (continuation) {
                    break;
                }
                String username = required.apply("username");
                String password = required.apply("password");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                s.pendingOtpUser = null;
                if (!passwordMatches(username, password)) {
                    failedLoginDelay();
                    return response("AUTH_ERR");
                }
                if (nas.options.otpSecret() != null) {
                    s.pendingOtpUser = username;
                    ObjectNode r = response("OTP_REQUIRED");
                    r.put("username", username);
                    return r;
                }
                s.credentials = new Session.Credentials(username, "LOGIN_PASSWORD", null, null);
                return success(s, userInfo);
            }
            case "TOKEN_PLAIN" -> {
                if (continuation) {
                    break;
                }
                String token = required.apply("token");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                s.pendingOtpUser = null;
                return tokenLogin(s, token) ? success(s, userInfo) : response("AUTH_ERR");
            }
            case "SCRAM" -> {
                if (continuation || !nas.release().scram()) {
                    break;
                }
                String type = required.apply("scram_type");
                String rfc = required.apply("rfc_str");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                s.pendingOtpUser = null;
                return scram(s, type, rfc, attr);
            }
            case "OTP_TOKEN" -> {
                String otp = required.apply("otp_token");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                String user = s.pendingOtpUser;
                if (user == null) {
                    throw new MiddlewareError.Call(Errno.EINVAL, "No authentication in progress");
                }
                if (!Totp.verify(nas.options.otpSecret(), otp)) {
                    failedLoginDelay();
                    s.pendingOtpUser = null;
                    return response("AUTH_ERR");
                }
                s.pendingOtpUser = null;
                s.credentials = new Session.Credentials(user, "LOGIN_PASSWORD", null, null);
                return success(s, userInfo);
            }
            default -> {
            }
        }
        throw MiddlewareError.Validation.of(attr + ".mechanism",
                "Input tag '" + mechanism + "' found using 'mechanism' does not match any of the expected tags: "
                        + (continuation ? "'OTP_TOKEN'"
                                : nas.release().scram()
                                        ? "'API_KEY_PLAIN', 'PASSWORD_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN', 'SCRAM'"
                                        : "'API_KEY_PLAIN', 'PASSWORD_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN'"));
    }

    /**
     * 26.0: the API-key authenticators take TCP connections only ({@code utils/account/authenticator.py}
     * {@code ApiKeyPamAuthenticator} and {@code ScramPamAuthenticator} raise TypeError for any other origin), so an
     * API key cannot log in over the unix socket, where the peer credentials do.
     */
    private void refuseUnixSocket(Session s, String authenticator) {
        if (nas.release().scram() && s.peerUid != null) {
            throw new MiddlewareError.Other("TypeError", "ConnectionOrigin(family=<AddressFamily.AF_UNIX: 1>, uid="
                    + s.peerUid + "): unexpected origin for " + authenticator);
        }
    }

    /**
     * {@code auth.login_ex} SCRAM ({@code plugins/auth.py} and {@code plugins/auth_/login_ex_impl.py
     * login_ex_scram}): CLIENT_FIRST_MESSAGE answers SERVER_FIRST_RESPONSE (or AUTH_ERR for an unknown user or
     * key, or channel binding asked for without TLS); CLIENT_FINAL_MESSAGE checks the proof (and the binding)
     * and logs the session in as the key's owner with API_KEY credentials, answering SERVER_FINAL_RESPONSE with
     * the server's signature and {@code auth.me}. A SCRAM login never revokes a key: the key is not sent.
     */
    private JsonNode scram(Session s, String type, String rfc, String attr) {
        switch (type) {
            case "CLIENT_FIRST_MESSAGE" -> {
                s.pendingScram = null;
                refuseUnixSocket(s, "ScramPamAuthenticator");
                ScramServer.Exchange exchange;
                try {
                    ScramServer.ClientFirst first = ScramServer.parseClientFirst(rfc);
                    if (first.flag() == 'p' && !s.tls) {
                        // authenticator.py: "channel binding is not permitted over a non-TLS transport"
                        return response("AUTH_ERR");
                    }
                    if (first.flag() == 'y' && s.tls) {
                        // RFC 5802 6: the client thinks the server cannot bind, but this one can
                        return response("AUTH_ERR");
                    }
                    if (!nas.options.username().equals(first.username()) || first.keyId() != nas.apiKeyId
                            || nas.apiKeyRevoked) {
                        failedLoginDelay();
                        return response("AUTH_ERR");
                    }
                    exchange = ScramServer.serverFirst(first, nas.scramCredentials());
                } catch (ScramServer.Refused e) {
                    failedLoginDelay();
                    return response("AUTH_ERR");
                }
                s.pendingScram = exchange;
                ObjectNode r = response("SCRAM_RESPONSE");
                r.put("scram_type", "SERVER_FIRST_RESPONSE");
                r.put("rfc_str", exchange.serverFirst());
                r.putNull("user_info");
                return r;
            }
            case "CLIENT_FINAL_MESSAGE" -> {
                ScramServer.Exchange exchange = s.pendingScram;
                if (exchange == null) {
                    throw new MiddlewareError.Call(Errno.EFAULT, "SCRAM authentication is not in progress");
                }
                s.pendingScram = null;
                String serverFinal;
                try {
                    serverFinal = ScramServer.clientFinal(exchange, rfc, nas.scramCredentials(),
                            SelfSignedCertificate.forThisJvm().certificateDer());
                } catch (ScramServer.Refused e) {
                    failedLoginDelay();
                    return response("AUTH_ERR");
                }
                s.credentials = new Session.Credentials(nas.options.username(), "API_KEY", nas.apiKeyId,
                        "truenas-gitops");
                nas.callLog.scramLogin(exchange.gs2Header());
                ObjectNode r = response("SCRAM_RESPONSE");
                r.put("scram_type", "SERVER_FINAL_RESPONSE");
                r.put("rfc_str", serverFinal);
                r.set("user_info", me(s, false));
                return r;
            }
            default -> throw MiddlewareError.Validation.of(attr + ".SCRAM.scram_type",
                    "Input should be 'CLIENT_FIRST_MESSAGE' or 'CLIENT_FINAL_MESSAGE'");
        }
    }
}
