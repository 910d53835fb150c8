package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Passwords with a second factor, tokens, and API key revocation over an insecure transport (25.04). */
class AuthIT {
    static final String SECRET = "JBSWY3DPEHPK3PXP";
    static TrueNasEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withOtpSecret(SECRET)
                .withPlainListener(true, "192.0.2.10"));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    @Test
    void passwordLoginAsksForTheSecondFactorThenSucceeds() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            JsonNode first = c.result("auth.login_ex", Map.of("mechanism", "PASSWORD_PLAIN",
                    "username", emulator.username(), "password", emulator.password()));
            assertThat(first.toString()).isEqualTo("{\"response_type\":\"OTP_REQUIRED\",\"username\":\"truenas_admin\"}");
            JsonNode done = c.result("auth.login_ex_continue", Map.of("mechanism", "OTP_TOKEN", "otp_token", Totp.code(SECRET)));
            assertThat(done.get("response_type").asText()).isEqualTo("SUCCESS");
            assertThat(done.at("/user_info/pw_name").asText()).isEqualTo("truenas_admin");
            assertThat(done.at("/user_info/two_factor_config/secret_configured").asBoolean()).isTrue();
            assertThat(c.result("auth.logout").asBoolean()).isTrue();
            assertThat(c.call("core.ping").at("/error/data/error").asInt()).isEqualTo(207);
        }
    }

    @Test
    void wrongPasswordIsAuthErrAndOtpWithoutPendingLoginIsEinval() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(c.result("auth.login_ex", Map.of("mechanism", "PASSWORD_PLAIN", "username", "truenas_admin",
                    "password", "nope")).toString()).isEqualTo("{\"response_type\":\"AUTH_ERR\"}");
            JsonNode otp = c.call("auth.login_ex", Map.of("mechanism", "OTP_TOKEN", "otp_token", "123456"));
            assertThat(otp.at("/error/code").asInt()).isEqualTo(-32001);
            assertThat(otp.at("/error/data/error").asInt()).isEqualTo(22);
            assertThat(c.result("auth.login", "truenas_admin", emulator.password()).asBoolean()).isFalse();
            assertThat(c.result("auth.login", "truenas_admin", emulator.password(), Totp.code(SECRET)).asBoolean()).isTrue();
        }
    }

    @Test
    void tokensLogInOtherConnections() {
        String token;
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            token = c.result("auth.generate_token", 600, Map.of(), true).asText();
        }
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(c.result("auth.login_with_token", token).asBoolean()).isTrue();
            assertThat(c.result("core.ping").asText()).isEqualTo("pong");
        }
    }

    String token(Object... args) {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            return c.result("auth.generate_token", args).asText();
        }
    }

    static String tokenPlain(WireClient c, String token) {
        return c.result("auth.login_ex", Map.of("mechanism", "TOKEN_PLAIN", "token", token)).get("response_type").asText();
    }

    @Test
    void aTokenUnusedForLongerThanItsTtlIsRefusedWithAuthErr() {
        String token = token(600, Map.of(), true);
        emulator.ageSessionTokens(Duration.ofSeconds(601));

        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(tokenPlain(c, token)).isEqualTo("AUTH_ERR");
            assertThat(c.result("auth.login_with_token", token).asBoolean()).isFalse();
        }
        assertThat(emulator.sessionTokens()).isZero();
    }

    @Test
    void aSingleUseTokenLogsInOneConnectionOnly() {
        String token = token(600, Map.of(), true, true);

        try (WireClient first = WireClient.connect(emulator, emulator.url());
                WireClient second = WireClient.connect(emulator, emulator.url())) {
            assertThat(tokenPlain(first, token)).isEqualTo("SUCCESS");
            assertThat(tokenPlain(second, token)).isEqualTo("AUTH_ERR");
            assertThat(first.result("core.ping").asText()).isEqualTo("pong");
        }
    }

    @Test
    void aTokenIsGoneOnceTheConnectionItLoggedInCloses() {
        String token = token(600, Map.of(), true, false);
        try (WireClient first = WireClient.connect(emulator, emulator.url())) {
            assertThat(tokenPlain(first, token)).isEqualTo("SUCCESS");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> emulator.sessionTokens() == 0);

        try (WireClient again = WireClient.connect(emulator, emulator.url())) {
            assertThat(tokenPlain(again, token)).isEqualTo("AUTH_ERR");
        }
    }

    @Test
    void aTokenBoundToItsOriginIsRefusedFromAnotherAddressUnlessMadeWithoutMatchOrigin() {
        String bound = token(600, Map.of(), true);
        String unbound = token(600, Map.of(), false);

        try (WireClient elsewhere = WireClient.connect(emulator, emulator.plainUrl())) {
            assertThat(tokenPlain(elsewhere, bound)).isEqualTo("AUTH_ERR");
            assertThat(tokenPlain(elsewhere, unbound)).isEqualTo("SUCCESS");
        }
    }

    @Test
    void aTokenMadeWithAttributesDoesNotLogIn() {
        String token = token(600, Map.of("job", 1), true);

        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(tokenPlain(c, token)).isEqualTo("AUTH_ERR");
        }
    }

    @Test
    void aSessionLoggedInWithATokenIsLoggedOutWhenTheTokenExpires() {
        String token = token(600, Map.of(), true);
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(tokenPlain(c, token)).isEqualTo("SUCCESS");
            assertThat(c.result("core.ping").asText()).isEqualTo("pong");

            emulator.ageSessionTokens(Duration.ofSeconds(601));

            assertThat(c.call("core.ping").at("/error/data/error").asInt()).isEqualTo(207);
        }
    }

    @Test
    void release2410TakesNoSingleUseArgumentAndBindsNoOriginUnlessAsked() {
        try (TrueNasEmulator old = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(Release.V24_10)
                .withPlainListener(true, "192.0.2.10"))) {
            String token;
            try (WireClient c = WireClient.connect(old, old.legacyUrl())) {
                c.legacyConnect();
                assertThat(c.legacyCall("auth.login_with_api_key", old.apiKey()).path("result").asBoolean()).isTrue();
                assertThat(c.legacyCall("auth.generate_token", 600, Map.of(), true, true).path("error").toString())
                        .contains("Too many arguments (expected 3, found 4)");
                token = c.legacyCall("auth.generate_token", 600, Map.of()).path("result").asText();
            }
            try (WireClient elsewhere = WireClient.connect(old, old.plainLegacyUrl())) {
                elsewhere.legacyConnect();
                assertThat(elsewhere.legacyCall("auth.login_with_token", token).path("result").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void apiKeyUsedOverAnInsecureConnectionIsRevokedEverywhereUntilReset() {
        try (WireClient plain = WireClient.connect(emulator, emulator.plainUrl())) {
            assertThat(plain.result("auth.login_ex", Map.of("mechanism", "API_KEY_PLAIN", "username", emulator.username(),
                    "api_key", emulator.apiKey())).toString()).isEqualTo("{\"response_type\":\"EXPIRED\"}");
            assertThat(plain.call("core.ping").at("/error/data/error").asInt()).isEqualTo(207);
        }
        assertThat(emulator.apiKeyRevoked()).isTrue();
        try (WireClient tls = WireClient.connect(emulator, emulator.url())) {
            assertThat(tls.result("auth.login_with_api_key", emulator.apiKey()).asBoolean()).isFalse();
            assertThat(tls.result("auth.login_ex", Map.of("mechanism", "API_KEY_PLAIN", "username", emulator.username(),
                    "api_key", emulator.apiKey())).get("response_type").asText()).isEqualTo("EXPIRED");
        }
        emulator.resetApiKey();
        try (WireClient tls = WireClient.connect(emulator, emulator.url())) {
            assertThat(tls.result("auth.login_with_api_key", emulator.apiKey()).asBoolean()).isTrue();
        }
    }

    @Test
    void loginWithApiKeyOverAnInsecureConnectionAnswersFalse() {
        try (WireClient plain = WireClient.connect(emulator, emulator.plainUrl())) {
            assertThat(plain.result("auth.login_with_api_key", emulator.apiKey()).asBoolean()).isFalse();
        }
        assertThat(emulator.apiKeyRevoked()).isTrue();
    }

    @Test
    void mechanismChoicesBeforeLoginHitsThe2504Bug() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            JsonNode r = c.call("auth.mechanism_choices");
            assertThat(r.at("/error/data/reason").asText())
                    .isEqualTo("'NoneType' object has no attribute 'may_create_auth_token'");
        }
    }
}
