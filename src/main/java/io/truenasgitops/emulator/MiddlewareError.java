package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * An exception as the middleware raises it: {@link Call} ({@code CallError}), {@link Validation}
 * ({@code ValidationError} / {@code ValidationErrors}) or {@link Other} (any other Python exception).
 * {@link #str()} is Python's {@code str(exc)}, which is what {@code reason} and job {@code error} carry.
 */
abstract sealed class MiddlewareError extends RuntimeException {

    MiddlewareError(String message) {
        super(message, null, false, false);
    }

    /** Python's {@code str(exc)}. */
    abstract String str();

    /** The Python class name ({@code trace.class}). */
    abstract String className();

    /** Python's {@code repr(exc)}, roughly. */
    String repr() {
        return className() + "(" + pyQuote(str()) + ")";
    }

    /** A plausible Python traceback text for {@code trace.formatted} and job {@code exception}. */
    String formatted(String method) {
        String module = this instanceof Other ? "" : "middlewared.service_exception.";
        return "Traceback (most recent call last):\n"
                + "  File \"/usr/lib/python3/dist-packages/middlewared/main.py\", line 211, in call_method\n"
                + "    result = await self.middleware.call_with_audit(message['method'], serviceobj, methodobj, params, self)\n"
                + "  File \"/usr/lib/python3/dist-packages/middlewared/emulated.py\", line 1, in " + method + "\n"
                + module + className() + ": " + str() + "\n";
    }

    static String pyQuote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    /** {@code CallError(errmsg, errno=EFAULT, extra=None)}. */
    static final class Call extends MiddlewareError {
        final int errno;
        final String errmsg;
        final ArrayNode extra;

        Call(int errno, String errmsg) {
            this(errno, errmsg, null);
        }

        Call(int errno, String errmsg, ArrayNode extra) {
            super(errmsg);
            this.errno = errno;
            this.errmsg = errmsg;
            this.extra = extra;
        }

        @Override
        String str() {
            return "[" + Errno.name(errno) + "] " + errmsg;
        }

        @Override
        String className() {
            return "CallError";
        }
    }

    /**
     * {@code ValidationErrors} (a list of {@code [attribute, errmsg, errno]}), or a single
     * {@code ValidationError} when {@code single} (e.g. {@code InstanceNotFound}).
     */
    static final class Validation extends MiddlewareError {
        record Problem(String attribute, String errmsg, int errno) {}

        final List<Problem> problems;
        final boolean single;

        private Validation(List<Problem> problems, boolean single) {
            super(problems.isEmpty() ? "validation failed" : problems.get(0).errmsg());
            this.problems = List.copyOf(problems);
            this.single = single;
        }

        static Validation single(String attribute, String errmsg, int errno) {
            return new Validation(List.of(new Problem(attribute, errmsg, errno)), true);
        }

        static Validation of(List<Problem> problems) {
            return new Validation(problems, false);
        }

        static Validation of(String attribute, String errmsg) {
            return new Validation(List.of(new Problem(attribute, errmsg, Errno.EINVAL)), false);
        }

        /** {@code InstanceNotFound}: a single ValidationError with errno ENOENT and no attribute. */
        static Validation instanceNotFound(String errmsg) {
            return single(null, errmsg, Errno.ENOENT);
        }

        /** The errno of a single ValidationError; null for ValidationErrors. */
        Integer errno() {
            return single ? problems.get(0).errno() : null;
        }

        ArrayNode extra() {
            ArrayNode extra = JsonNodeFactory.instance.arrayNode();
            for (Problem p : problems) {
                ArrayNode triple = extra.addArray();
                if (p.attribute() == null) {
                    triple.addNull();
                } else {
                    triple.add(p.attribute());
                }
                triple.add(p.errmsg());
                triple.add(p.errno());
            }
            return extra;
        }

        private static String line(Problem p) {
            return "[" + Errno.name(p.errno()) + "] " + (p.attribute() == null ? "None" : p.attribute()) + ": "
                    + p.errmsg();
        }

        @Override
        String str() {
            if (single) {
                return line(problems.get(0));
            }
            StringBuilder out = new StringBuilder();
            for (Problem p : problems) {
                out.append(line(p)).append('\n');
            }
            return out.toString();
        }

        @Override
        String className() {
            return single ? "ValidationError" : "ValidationErrors";
        }

        @Override
        String repr() {
            if (single) {
                return "ValidationError(" + pyQuote(String.valueOf(problems.get(0).attribute())) + ", "
                        + pyQuote(problems.get(0).errmsg()) + ")";
            }
            List<String> items = new ArrayList<>();
            for (Problem p : problems) {
                items.add("ValidationError(" + (p.attribute() == null ? "None" : pyQuote(p.attribute())) + ", "
                        + pyQuote(p.errmsg()) + ", " + p.errno() + ")");
            }
            return "ValidationErrors([" + String.join(", ", items) + "])";
        }
    }

    /** Any other exception ({@code KeyError}, {@code TypeError}...): errno EINVAL on the wire. */
    static final class Other extends MiddlewareError {
        final String pyClass;
        final String text;

        Other(String pyClass, String text) {
            super(text);
            this.pyClass = pyClass;
            this.text = text;
        }

        @Override
        String str() {
            return text;
        }

        @Override
        String className() {
            return pyClass;
        }
    }
}
