package io.truenasgitops.truenas;

import java.util.List;

/** The middleware has no such method ({@code -32601} / legacy ENOMETHOD): a typo, or a method this TrueNAS release does not have. */
public final class MethodNotFoundException extends Rejected {
    public MethodNotFoundException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public MethodNotFoundException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public MethodNotFoundException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
