package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void jsonRpcInvalidParamsWithEnoentInExtraIsNotFound() {
        TrueNasException e = ErrorMapper.fromJsonRpc("failed to get the config of app 'foo'", json(
                "{'code':-32602,'message':'Invalid params','data':{'error':22,'errname':'EINVAL',"
                        + "'reason':'[ENOENT] None: App foo does not exist','trace':null,"
                        + "'extra':[[null,'App foo does not exist',2]]}}"));
        assertThat(e).isInstanceOf(NotFoundException.class);
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.getMessage()).isEqualTo("failed to get the config of app 'foo': App foo does not exist");
        assertThat(e.fieldErrors()).containsExactly(new FieldError(null, "App foo does not exist", 2));
    }

    @Test
    void jsonRpcInvalidParamsWithEinvalTriplesIsAValidationErrorListingEveryField() {
        TrueNasException e = ErrorMapper.fromJsonRpc("calling app.query", json(
                "{'code':-32602,'message':'Invalid params','data':{'error':22,'errname':'EINVAL',"
                        + "'reason':'...','extra':[['app_query.filters','Input should be a list',22],"
                        + "['app_query.options.x','Extra inputs are not permitted',22]]}}"));
        assertThat(e).isInstanceOf(ValidationException.class);
        assertThat(e.fieldErrors()).extracting(FieldError::attribute)
                .containsExactly("app_query.filters", "app_query.options.x");
        assertThat(e.getMessage()).contains("app_query.filters: Input should be a list")
                .contains("app_query.options.x: Extra inputs are not permitted");
    }

    @Test
    void jsonRpcCodesMapToTheirTypes() {
        assertThat(ErrorMapper.fromJsonRpc("c", json("{'code':-32601,'message':'Method does not exist'}")))
                .isInstanceOf(MethodNotFoundException.class);
        assertThat(ErrorMapper.fromJsonRpc("c", json(
                "{'code':-32000,'message':'Maximum number of concurrent calls (20) has exceeded'}")))
                .isInstanceOf(TooManyCallsException.class).matches(TrueNasException::isRetryable);
    }

    @Test
    void jsonRpcCallErrorsMapByErrno() {
        assertThat(callError(207, "ENOTAUTHENTICATED", "Not authenticated")).isInstanceOf(NotAuthenticatedException.class)
                .matches(TrueNasException::isConnectionOrAuthProblem);
        assertThat(callError(13, "EACCES", "Not authorized")).isInstanceOf(NotAuthorizedException.class);
        assertThat(callError(16, "EBUSY", "Rate Limit Exceeded")).isInstanceOf(RateLimitedException.class)
                .matches(TrueNasException::isRetryable);
        assertThat(callError(17, "EEXIST", "[EEXIST] exists")).isInstanceOf(AlreadyExistsException.class);
        TrueNasException efault = callError(14, "EFAULT", "[EFAULT] Docker service is not running");
        assertThat(efault).isInstanceOf(AppsServiceDownException.class).matches(TrueNasException::isRetryable);
        assertThat(efault.getMessage()).isEqualTo("ctx: [EFAULT] Docker service is not running");
        assertThat(efault.errname()).isEqualTo("EFAULT");
        assertThat(callError(14, "EFAULT", "[EFAULT] No pool configured for Docker"))
                .isInstanceOf(AppsServiceDownException.class);
        assertThat(callError(14, "EFAULT", "[EFAULT] Failed up action for web app").getClass())
                .isEqualTo(TrueNasException.class);
        assertThat(callError(14, "EFAULT", "[EFAULT] invalid reference format: repository name must be lowercase"))
                .isInstanceOf(ImageRejectedException.class).matches(e -> !e.isRetryable());
        assertThat(callError(14, "EFAULT", "[EFAULT] manifest unknown")).isInstanceOf(ImageRejectedException.class);
    }

    private static TrueNasException callError(int errno, String errname, String reason) {
        return ErrorMapper.fromJsonRpc("ctx", json("{'code':-32001,'message':'Method call error','data':{'error':"
                + errno + ",'errname':'" + errname + "','reason':'" + reason + "','trace':null,'extra':null}}"));
    }

    @Test
    void legacyValidationWithEnoentIsNotFoundAndWithEagainIsValidation() {
        TrueNasException notFound = ErrorMapper.fromTrueNasError("ctx", json("{'error':2,'errname':'ENOENT',"
                + "'type':'VALIDATION','reason':'[ENOENT] None: App foo does not exist',"
                + "'extra':[[null,'App foo does not exist',2]]}"), null);
        assertThat(notFound).isInstanceOf(NotFoundException.class);
        TrueNasException invalid = ErrorMapper.fromTrueNasError("ctx", json("{'error':11,'errname':'EAGAIN',"
                + "'type':'VALIDATION','reason':'...','extra':[['x.y','bad',22]]}"), null);
        assertThat(invalid).isInstanceOf(ValidationException.class);
        assertThat(invalid.fieldErrors()).containsExactly(new FieldError("x.y", "bad", 22));
    }

    @Test
    void legacyErrnamesMapToTypes() {
        assertThat(ErrorMapper.fromTrueNasError("ctx", json("{'error':201,'errname':'ENOMETHOD','type':null,"
                + "'reason':'Method x not found in app','extra':null}"), null))
                .isInstanceOf(MethodNotFoundException.class);
        assertThat(ErrorMapper.fromTrueNasError("ctx", json("{'error':109,'errname':'ETOOMANYREFS','type':null,"
                + "'reason':'Maximum number of concurrent calls (20) has exceeded.','extra':null}"), null))
                .isInstanceOf(TooManyCallsException.class);
    }

    @Test
    void failedJobsBecomeTheTypedErrorOfTheirExcInfoAndCarryTheJobId() {
        Job exists = Job.fromWire(json("{'id':12,'method':'app.create','state':'FAILED',"
                + "'error':'[EEXIST] Application with name foo already exists',"
                + "'exc_info':{'type':'CallError','errno':17,'extra':null},'progress':{'percent':0}}"));
        TrueNasException e = ErrorMapper.fromJob("failed to create app 'foo'", exists);
        assertThat(e).isInstanceOf(AlreadyExistsException.class);
        assertThat(e.jobId()).isEqualTo(12L);
        assertThat(e.getMessage()).isEqualTo(
                "failed to create app 'foo' (job 12): [EEXIST] Application with name foo already exists");

        Job invalid = Job.fromWire(json("{'id':13,'method':'app.create','state':'FAILED','error':'...',"
                + "'exc_info':{'type':'VALIDATION','errno':null,"
                + "'extra':[['app_create.custom_compose_config_string','Invalid YAML provided',22]]}}"));
        TrueNasException v = ErrorMapper.fromJob("ctx", invalid);
        assertThat(v).isInstanceOf(ValidationException.class);
        assertThat(v.jobId()).isEqualTo(13L);
        assertThat(v.fieldErrors()).extracting(FieldError::message).containsExactly("Invalid YAML provided");

        Job missing = Job.fromWire(json("{'id':14,'method':'app.update','state':'FAILED',"
                + "'error':'[ENOENT] None: App foo does not exist',"
                + "'exc_info':{'type':'VALIDATION','errno':2,'extra':[[null,'App foo does not exist',2]]}}"));
        assertThat(ErrorMapper.fromJob("ctx", missing)).isInstanceOf(NotFoundException.class);

        Job broken = Job.fromWire(json("{'id':15,'method':'app.update','state':'FAILED',"
                + "'error':'[EFAULT] Failed up action for foo app',"
                + "'exc_info':{'type':'CallError','errno':14,'extra':null}}"));
        TrueNasException failed = ErrorMapper.fromJob("ctx", broken);
        assertThat(failed).isInstanceOf(JobFailedException.class);
        assertThat(failed.errno()).isEqualTo(14);

        Job aborted = Job.fromWire(json("{'id':16,'method':'app.update','state':'ABORTED','exc_info':null}"));
        assertThat(ErrorMapper.fromJob("ctx", aborted)).isInstanceOf(JobAbortedException.class)
                .extracting(TrueNasException::jobId).isEqualTo(16L);
    }
}
