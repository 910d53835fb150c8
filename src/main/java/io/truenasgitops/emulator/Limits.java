package io.truenasgitops.emulator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Message size limits of {@code utils/limits.py} and the event shape both protocols share. */
final class Limits {
    static final int UNAUTHENTICATED = 8192;
    static final int AUTHENTICATED = 65536;
    static final int EXTENDED = 2097152;
    static final int INVALID_TEXT = 1007;
    static final int MESSAGE_TOO_BIG = 1009;
    static final String ANONYMOUS_MESSAGE = "Anonymous connection max message length is 8 kB";
    static final String AUTHENTICATED_MESSAGE = "Max message length is 64 kB";

    private Limits() {}

    /** Python measures {@code len(str)}: characters, not bytes. */
    static boolean tooBigForAnonymous(Session session, String text) {
        return (!session.authenticated() && text.length() > UNAUTHENTICATED) || text.length() > EXTENDED;
    }

    static boolean tooBigForAuthenticated(String text) {
        return text.length() > AUTHENTICATED;
    }

    /** A message in the style of Python's {@code json.JSONDecodeError}. */
    static String pythonJsonError(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        long line = loc == null ? 1 : Math.max(1, loc.getLineNr());
        long column = loc == null ? 1 : Math.max(1, loc.getColumnNr());
        long offset = loc == null ? 0 : Math.max(0, loc.getCharOffset());
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().toLowerCase(Locale.ROOT);
        String what = original.contains("unexpected end") ? "Expecting value"
                : original.contains("was expecting double-quote") ? "Expecting property name enclosed in double quotes"
                : original.contains("unrecognized token") || original.contains("unexpected character") ? "Expecting value"
                : "Expecting value";
        return what + ": line " + line + " column " + column + " (char " + offset + ")";
    }

    /** {@code {"msg": "added", "collection": ..., "id": ..., "fields": ...}}; id/fields omitted when null. */
    static ObjectNode event(String collection, String type, JsonNode id, JsonNode fields) {
        ObjectNode event = Json.object();
        event.put("msg", type.toLowerCase(Locale.ROOT));
        event.put("collection", collection);
        if (id != null) {
            event.set("id", id);
        }
        if (fields != null && (type.equals("ADDED") || type.equals("CHANGED"))) {
            event.set("fields", fields);
        }
        return event;
    }
}
