package io.truenasgitops.sops;

import java.util.ArrayList;
import java.util.List;

/**
 * A dotenv file the way sops reads it: lines split at the first {@code =}, {@code #} lines are comments, empty
 * lines dropped, {@code \n} in a value is a newline. No quoting and no interpolation: those are the job of
 * whatever reads the decrypted file.
 */
final class DotenvEntries {

    private DotenvEntries() {}

    /** One line: a value, or a comment (key null). */
    record Entry(String key, String value) {
        boolean isComment() {
            return key == null;
        }
    }

    static List<Entry> parse(String text, String display) throws SopsException {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                out.add(new Entry(null, line.substring(1)));
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new SopsException(SopsException.Reason.MALFORMED, display + ":" + (i + 1) + ": dotenv line has"
                        + " no '=': sops reads only KEY=value lines, comments ('#') and empty lines");
            }
            out.add(new Entry(line.substring(0, eq), line.substring(eq + 1).replace("\\n", "\n")));
        }
        return out;
    }

    static String emit(List<Entry> entries) {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            if (e.isComment()) {
                b.append('#').append(e.value()).append('\n');
            } else {
                b.append(e.key()).append('=').append(e.value().replace("\n", "\\n")).append('\n');
            }
        }
        return b.toString();
    }
}
