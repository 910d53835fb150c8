package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns the middleware's error shapes (JSON-RPC error objects, legacy {@code error} dicts, failed jobs'
 * {@code exc_info}) into typed {@link TrueNasException}s. The one place that knows the errno numbers.
 */
final class ErrorMapper {
    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int ETOOMANYREFS = 109;
    static final int ENOMETHOD = 201;
    static final int ENOTAUTHENTICATED = 207;

    static final int JSONRPC_INVALID_PARAMS = -32602;
    static final int JSONRPC_METHOD_NOT_FOUND = -32601;
    static final int JSONRPC_TOO_MANY_CALLS = -32000;
    static final int JSONRPC_CALL_ERROR = -32001;

    private ErrorMapper() {}

    /** A JSON-RPC {@code error} object: {@code {code, message, data?}}. */
    static TrueNasException fromJsonRpc(String context, JsonNode error) {
        int code = error.path("code").asInt();
        String message = Json.text(error, "message");
        JsonNode data = error.get("data");
        return switch (code) {
            case JSONRPC_INVALID_PARAMS -> {
                List<FieldError> fields = triples(data == null ? null : data.get("extra"));
                Integer errno = data == null ? EINVAL : data.path("error").asInt(EINVAL);
                yield classify(context, errno, Json.text(data, "errname"), fields, true,
                        data == null ? message : Json.text(data, "reason"), null);
            }
            case JSONRPC_METHOD_NOT_FOUND -> new MethodNotFoundException(
                    context + ": the middleware has no such method (" + message
                            + "); check the name, or this TrueNAS release may not have it",
                    ENOMETHOD, "ENOMETHOD", List.of(), null, null);
            case JSONRPC_TOO_MANY_CALLS -> new TooManyCallsException(
                    context + ": " + (message == null ? "too many concurrent calls" : message)
                            + " (another client may share this session); retry later",
                    ETOOMANYREFS, "ETOOMANYREFS", List.of(), null, null);
            default -> {
                if (data != null && data.isObject()) {
                    yield fromTrueNasError(context, data, null);
                }
                yield new TrueNasException(context + ": " + (message == null ? "JSON-RPC error " + code : message)
                        + " (code " + code + ")");
            }
        };
    }

    /** A legacy {@code error} dict: {@code {error, errname, type, reason, trace, extra}}; also the JSON-RPC {@code data}. */
    static TrueNasException fromTrueNasError(String context, JsonNode error, Long jobId) {
        Integer errno = error.hasNonNull("error") ? error.get("error").asInt() : null;
        String errname = Json.text(error, "errname");
        boolean validation = "VALIDATION".equals(Json.text(error, "type"));
        List<FieldError> fields = triples(error.get("extra"));
        return classify(context, errno, errname, fields, validation, Json.text(error, "reason"), jobId);
    }

    /** A FAILED or ABORTED job: its {@code exc_info} says which typed error it is. */
    static TrueNasException fromJob(String context, Job job) {
        String where = context + " (job " + job.id() + ")";
        if ("ABORTED".equals(job.state())) {
            return new JobAbortedException(where + ": the job was aborted on the NAS", null, null, List.of(), job.id(),
                    null);
        }
        JsonNode exc = job.excInfo();
        String reason = job.error();
        if (exc == null || exc.isNull()) {
            return new JobFailedException(where + ": " + clean(reason == null ? "the job failed" : reason), null, null,
                    List.of(), job.id(), null);
        }
        Integer errno = exc.hasNonNull("errno") ? exc.get("errno").asInt() : null;
        boolean validation = "VALIDATION".equals(Json.text(exc, "type"));
        List<FieldError> fields = triples(exc.get("extra"));
        if (IMAGE_PULL.equals(job.method()) && !validation && errno != null && errno == EFAULT
                && !AppsServiceDownException.matches(reason)) {
            return fromImagePull(where, job, reason);
        }
        TrueNasException typed = classify(where, errno, null, fields, validation, reason, job.id());
        if (typed.getClass() == TrueNasException.class) {
            return new JobFailedException(typed.getMessage(), errno, typed.errname(), fields, job.id(), null);
        }
        return typed;
    }

    /** The job method that pulls one image ({@code plugins/apps_images/__init__.py}). */
    static final String IMAGE_PULL = "app.image.pull";

    /**
     * A failed {@code app.image.pull}: {@code CallError(EFAULT)} "Failed to pull '<image>' image: <Docker's error>"
     * ({@code plugins/apps/ix_apps/docker/images.py}). Docker's words are the only thing that tells a registry's rate
     * limit (retry later) from a missing tag or refused credentials (fix something first), so they are read here.
     */
    static TrueNasException fromImagePull(String where, Job job, String reason) {
        String image = job.raw() == null ? null : job.raw().path("arguments").path(0).path("image").asText(null);
        String registry = registryReason(reason);
        String errname = "EFAULT";
        if (ImagePullRateLimitedException.matches(registry)) {
            return new ImagePullRateLimitedException(where + ": the registry rate-limits the NAS: " + registry
                    + "; the pull is tried again later (or save registry credentials on the NAS for a higher limit)",
                    image, registry, EFAULT, errname, job.id());
        }
        ImagePullFailedException.Kind kind = ImagePullFailedException.kindOf(registry);
        return new ImagePullFailedException(where + ": " + registry + "; " + ImagePullFailedException.hint(kind),
                image, registry, kind, EFAULT, errname, job.id());
    }

    /**
     * Docker's part of a pull error: what follows "image: ", and of a docker-py {@code APIError}
     * ({@code 404 Client Error for http+docker://...: Not Found ("<engine's message>")}) the engine's message.
     */
    static String registryReason(String reason) {
        String r = clean(reason == null ? "the pull failed" : reason);
        int at = r.indexOf(" image: ");
        if (at >= 0) {
            r = r.substring(at + " image: ".length());
        }
        int open = r.indexOf("(\"");
        if (open >= 0 && r.endsWith("\")")) {
            r = r.substring(open + 2, r.length() - 2);
        }
        return r.strip();
    }

    static List<FieldError> triples(JsonNode extra) {
        List<FieldError> fields = new ArrayList<>();
        if (extra == null || !extra.isArray()) {
            return fields;
        }
        for (JsonNode t : extra) {
            if (t.isArray() && t.size() >= 2) {
                String attribute = t.get(0).isNull() ? null : t.get(0).asText();
                int errno = t.size() > 2 && t.get(2).isNumber() ? t.get(2).asInt() : EINVAL;
                fields.add(new FieldError(attribute, t.get(1).asText(), errno));
            }
        }
        return fields;
    }

    private static TrueNasException classify(String context, Integer errno, String errname, List<FieldError> fields,
            boolean validation, String reason, Long jobId) {
        if (validation || !fields.isEmpty() && (errno == null || errno == EINVAL || errno == EAGAIN)) {
            boolean allNotFound = !fields.isEmpty() && fields.stream().allMatch(f -> f.errno() == ENOENT);
            boolean anyExists = fields.stream().anyMatch(f -> f.errno() == EEXIST);
            if (allNotFound || fields.isEmpty() && errno != null && errno == ENOENT) {
                return new NotFoundException(context + ": " + describe(fields, reason), ENOENT, "ENOENT", fields,
                        jobId, null);
            }
            if (anyExists) {
                return new AlreadyExistsException(context + ": " + describe(fields, reason), EEXIST, "EEXIST",
                        fields, jobId, null);
            }
            return new ValidationException(context + ": invalid input: " + describe(fields, reason),
                    errno == null ? EINVAL : errno, errname == null ? "EINVAL" : errname, fields, jobId, null);
        }
        String text = context + ": " + clean(reason == null ? (errname == null ? "error " + errno : errname) : reason);
        if (errno == null) {
            return new TrueNasException(text, null, errname, fields, jobId, null);
        }
        return switch (errno) {
            case ENOENT -> new NotFoundException(text, errno, name(errname, "ENOENT"), fields, jobId, null);
            case EEXIST -> new AlreadyExistsException(text, errno, name(errname, "EEXIST"), fields, jobId, null);
            case ENOTAUTHENTICATED -> new NotAuthenticatedException(text, errno, name(errname, "ENOTAUTHENTICATED"),
                    fields, jobId, null);
            case EACCES -> new NotAuthorizedException(text + "; give the API key's user the role this needs"
                    + " (e.g. APPS_READ / APPS_WRITE)", errno, name(errname, "EACCES"), fields, jobId, null);
            case ENOMETHOD -> new MethodNotFoundException(text, errno, name(errname, "ENOMETHOD"), fields, jobId,
                    null);
            case ETOOMANYREFS -> new TooManyCallsException(text, errno, name(errname, "ETOOMANYREFS"), fields, jobId,
                    null);
            case EBUSY -> reason != null && reason.toLowerCase().contains("rate limit")
                    ? new RateLimitedException(text + "; the NAS allows 20 such calls per minute from one address:"
                            + " wait a minute before trying again", errno, name(errname, "EBUSY"), fields, jobId, null)
                    : new TrueNasException(text, errno, name(errname, "EBUSY"), fields, jobId, null);
            // The EFAULTs the engine must tell apart are told only by their text, so here, at the wire's edge.
            case EFAULT -> AppsServiceDownException.matches(reason)
                    ? new AppsServiceDownException(text, errno, name(errname, "EFAULT"), fields, jobId, null)
                    : ImageRejectedException.matches(reason)
                            ? new ImageRejectedException(text, errno, name(errname, "EFAULT"), fields, jobId, null)
                            : new TrueNasException(text, errno, name(errname, "EFAULT"), fields, jobId, null);
            default -> new TrueNasException(text, errno, errname, fields, jobId, null);
        };
    }

    private static String name(String given, String fallback) {
        return given == null ? fallback : given;
    }

    private static String describe(List<FieldError> fields, String reason) {
        if (fields.isEmpty()) {
            return clean(reason == null ? "validation failed" : reason);
        }
        return fields.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    }

    /** {@code "[ENOENT] None: App foo does not exist"} reads better without the Python {@code None:}. */
    static String clean(String reason) {
        return reason == null ? null : reason.replace("] None: ", "] ").strip();
    }
}
