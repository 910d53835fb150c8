package io.truenasgitops.truenas;

import java.util.List;

/** Category: the NAS refused this request as it is (invalid field, missing app, unknown method, too large); it fails the same way until the request changes. */
public abstract sealed class Rejected extends TrueNasException permits AlreadyExistsException, NotFoundException, ValidationException, MethodNotFoundException, FrameTooLargeException,
        ImageRejectedException, NewerSnapshotsExistException, DatasetBusyException,
        ImagePullFailedException {

    protected Rejected(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId,
            Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
