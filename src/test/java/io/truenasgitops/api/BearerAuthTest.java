package io.truenasgitops.api;

import io.truenasgitops.secretfiles.Secrets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerAuthTest {

    final BearerAuth auth = new BearerAuth(Optional.of("tok-123".getBytes(StandardCharsets.UTF_8)));

    @Test
    void theRightTokenIsAllowedWhateverTheCaseOfTheScheme() {
        assertThat(auth.check("Bearer tok-123")).isEqualTo(BearerAuth.Decision.ALLOWED);
        assertThat(auth.check("bearer tok-123")).isEqualTo(BearerAuth.Decision.ALLOWED);
    }

    @Test
    void aMissingOrNonBearerHeaderIsMissing() {
        assertThat(auth.check(null)).isEqualTo(BearerAuth.Decision.MISSING);
        assertThat(auth.check("Basic dXNlcjpwYXNz")).isEqualTo(BearerAuth.Decision.MISSING);
        assertThat(auth.check("Bearer ")).isEqualTo(BearerAuth.Decision.MISSING);
    }

    @Test
    void aWrongTokenIsWrongEvenWhenItIsAPrefix() {
        assertThat(auth.check("Bearer tok-12")).isEqualTo(BearerAuth.Decision.WRONG);
        assertThat(auth.check("Bearer tok-1234")).isEqualTo(BearerAuth.Decision.WRONG);
    }

    @Test
    void aDerivedValueProvesTheTokenWithoutContainingIt() {
        String session = auth.derive("page").orElseThrow();
        assertThat(session).hasSize(64).doesNotContain("tok-123");
        assertThat(auth.checkDerived("page", session)).isEqualTo(BearerAuth.Decision.ALLOWED);
        assertThat(auth.checkDerived("other purpose", session)).isEqualTo(BearerAuth.Decision.WRONG);
        assertThat(new BearerAuth(Optional.of("tok-124".getBytes(StandardCharsets.UTF_8))).checkDerived("page", session))
                .as("another token derives another value").isEqualTo(BearerAuth.Decision.WRONG);
        assertThat(auth.checkDerived("page", null)).isEqualTo(BearerAuth.Decision.MISSING);
        assertThat(new BearerAuth(Optional.empty()).derive("page")).isEmpty();
        assertThat(new BearerAuth(Optional.empty()).checkDerived("page", session)).isEqualTo(BearerAuth.Decision.NOT_CONFIGURED);
    }

    @Test
    void withoutAConfiguredTokenNothingIsAllowed() {
        var none = new BearerAuth(Optional.empty());
        assertThat(none.check("Bearer anything")).isEqualTo(BearerAuth.Decision.NOT_CONFIGURED);
    }

    @Test
    void aMissingTokenAsksForBearerAuthentication() {
        ApiProblem problem = BearerAuth.problem(BearerAuth.Decision.MISSING);
        assertThat(problem.status()).isEqualTo(401);
        assertThat(problem.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"truenas-gitops\"");
        assertThat(BearerAuth.problem(BearerAuth.Decision.WRONG).status()).isEqualTo(403);
    }

    @Test
    void secretFilesLoseTheirTrailingNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "tok-123\n");
        assertThat(new String(Secrets.readFile(file, "k"), StandardCharsets.UTF_8)).isEqualTo("tok-123");
    }

    @Test
    void anEmptyOrMissingSecretFileIsAnErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> Secrets.readFile(empty, "truenas-gitops.api.token-file"))
                .hasMessageContaining("truenas-gitops.api.token-file").hasMessageContaining("is empty");
        assertThatThrownBy(() -> Secrets.readFile(dir.resolve("nope"), "truenas-gitops.api.token-file"))
                .hasMessageContaining("cannot read the secret file");
    }
}
