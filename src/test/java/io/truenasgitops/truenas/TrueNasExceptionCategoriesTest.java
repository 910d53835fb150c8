package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each error's category decides whether a caller retries and whether the CLI reports a connection problem. */
class TrueNasExceptionCategoriesTest {

    record Row(TrueNasException error, Class<?> category, boolean retryable, boolean connectionOrAuth) {
        @Override
        public String toString() {
            return error.getClass().getSimpleName();
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row(new CallTimeoutException("m"), TransientFailure.class, true, false),
                new Row(new TooManyCallsException("m"), TransientFailure.class, true, false),
                new Row(new AppsServiceDownException("m", 14, "EFAULT", List.of(), 1L, null), TransientFailure.class,
                        true, false),
                new Row(new JobOutcomeUnknownException("m"), TransientFailure.class, true, false),
                new Row(new ConnectionLostException("m"), Unreachable.class, true, true),
                new Row(new RateLimitedException("m"), Unreachable.class, true, true),
                new Row(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, "m"),
                        CredentialsProblem.class, false, true),
                new Row(new NotAuthenticatedException("m"), CredentialsProblem.class, false, true),
                new Row(new NotAuthorizedException("m"), CredentialsProblem.class, false, true),
                new Row(new TlsTrustException("m"), CredentialsProblem.class, false, true),
                new Row(new AlreadyExistsException("m"), Rejected.class, false, false),
                new Row(new NotFoundException("m"), Rejected.class, false, false),
                new Row(new ValidationException("m"), Rejected.class, false, false),
                new Row(new MethodNotFoundException("m"), Rejected.class, false, false),
                new Row(new FrameTooLargeException("m"), Rejected.class, false, false),
                new Row(new ImageRejectedException("m", 14, "EFAULT", List.of(), 1L, null), Rejected.class, false,
                        false),
                new Row(new ImagePullFailedException("m", "nginx:9.99", "manifest unknown",
                        ImagePullFailedException.Kind.MANIFEST_UNKNOWN, 14, "EFAULT", 1L), Rejected.class, false, false),
                new Row(new ImagePullRateLimitedException("m", "nginx", "toomanyrequests", 14, "EFAULT", 1L),
                        TransientFailure.class, true, false),
                new Row(new InvalidSettingsException("m"), BadSettings.class, false, false),
                new Row(new InsecureTransportException("m"), BadSettings.class, false, false),
                new Row(new JobFailedException("m"), JobEnded.class, false, false),
                new Row(new JobAbortedException("m"), JobEnded.class, false, false),
                new Row(new TrueNasException("m"), TrueNasException.class, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theCategoryDecidesRetryAndConnectionProblem(Row row) {
        assertThat(row.error()).isInstanceOf(row.category());
        assertThat(row.error().isRetryable()).as("retryable").isEqualTo(row.retryable());
        assertThat(row.error().isConnectionOrAuthProblem()).as("connection or auth").isEqualTo(row.connectionOrAuth());
    }
}
