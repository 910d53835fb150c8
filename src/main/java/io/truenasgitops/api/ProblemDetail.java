package io.truenasgitops.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The RFC 9457 problem document every error of the REST surfaces is answered with.
 *
 * @param type a URI naming the kind of problem ({@code about:blank} for plain HTTP errors)
 * @param title a short summary of the type
 * @param status the HTTP status code
 * @param detail what went wrong this time and what to do about it
 * @param instance the request path the problem occurred on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProblemDetail(String type, String title, int status, String detail, String instance) {

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
