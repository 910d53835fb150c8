package io.truenasgitops.truenas;

/**
 * One problem of a middleware validation failure: the {@code [attribute, errmsg, errno]} triple of the
 * wire's {@code extra} list. {@code attribute} may be null (e.g. "App foo does not exist").
 */
public record FieldError(String attribute, String message, int errno) {
    @Override
    public String toString() {
        return (attribute == null ? "" : attribute + ": ") + message;
    }
}
