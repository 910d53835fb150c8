package io.truenasgitops.web;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the pages write times and revisions: {@code {fmt:time(t)}}, {@code {fmt:rev(r)}}. Null-safe. */
@TemplateExtension(namespace = "fmt")
public final class Formats {

    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Formats() {}

    /** A time for people, in UTC; a dash when there is none. */
    static String time(Instant t) {
        return t == null ? "—" : HUMAN.format(t);
    }

    /** A time for machines ({@code <time datetime>}); empty when there is none. */
    static String iso(Instant t) {
        return t == null ? "" : t.toString();
    }

    /** The short form of a revision, as the CLI and REST's messages show it; a dash when there is none. */
    static String rev(String revision) {
        return revision == null || revision.isBlank() ? "—" : io.truenasgitops.git.Snapshot.shorten(revision);
    }

    /**
     * What a pass would do with a stack that differs from Git, as a sentence ({@code V1.Diff.action}: create,
     * update, start, stop, delete, unchanged or blocked).
     */
    static String wouldDo(String action) {
        return switch (action == null ? "" : action) {
            case "create" -> "the next pass creates the app.";
            case "update" -> "the next pass sends the compose from Git again (app.update).";
            case "start" -> "the next pass starts the app.";
            case "stop" -> "the next pass stops the app.";
            case "delete" -> "the next pass deletes the app (its folder is gone and prune is on).";
            case "unchanged" -> "the next pass leaves it as it is and only reports the drift (self-heal is off);"
                    + " “Sync now” reverts it.";
            case "blocked" -> "the next pass does not touch it: the reason above says what holds it.";
            default -> "the next pass would " + action + ".";
        };
    }

    /** A value of a compose change, for a table cell: a dash when absent. */
    static String value(Object v) {
        return v == null ? "—" : String.valueOf(v);
    }
}
