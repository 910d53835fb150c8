package io.truenasgitops.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands a Markdown document tells people to type, read from the document itself.
 *
 * <p>A command is every logical line of a {@code ```sh} block ({@code \} continuations joined, {@code #}
 * comments dropped), and every {@code $ }-prefixed line of an untagged (or {@code console}) fenced block, whose following lines (up to
 * the next {@code $ } line or the end of the block) are the output the document shows for it. Fenced blocks
 * without commands are kept as {@link Block}s, so that a walk can check output shown on its own (log lines).
 */
record MarkdownCommands(Path file, List<Command> commands, List<Block> blocks, List<InlineCode> inlineCode) {

    /** A command and where it is: {@code shown} is the output printed under it (empty for sh blocks). */
    record Command(int line, String text, boolean prompt, List<String> shown) {
        @Override
        public String toString() {
            return "line " + line + ": " + text;
        }
    }

    /** A fenced block: its info string ({@code sh}, {@code yaml}, or empty), first content line, lines. */
    record Block(int line, String info, List<String> lines) {
        boolean hasPrompt() {
            return lines.stream().anyMatch(l -> l.startsWith("$ "));
        }
    }

    /** An inline code span outside fenced blocks. */
    record InlineCode(int line, String text) {
    }

    private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*)\\s*$");
    private static final Pattern INLINE = Pattern.compile("`([^`]+)`");

    static MarkdownCommands read(Path file) throws IOException {
        return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static MarkdownCommands parse(Path file, List<String> lines) {
        List<Command> commands = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        List<InlineCode> inline = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                Matcher code = INLINE.matcher(lines.get(i));
                while (code.find()) {
                    inline.add(new InlineCode(i + 1, code.group(1)));
                }
                i++;
                continue;
            }
            String info = fence.group(1);
            int start = i + 1;
            List<String> body = new ArrayList<>();
            i++;
            while (i < lines.size() && !lines.get(i).startsWith("```")) {
                body.add(lines.get(i));
                i++;
            }
            if (i == lines.size()) {
                throw new IllegalStateException(file + ":" + start + ": fenced block is never closed");
            }
            i++; // the closing fence
            Block block = new Block(start + 1, info, List.copyOf(body));
            blocks.add(block);
            if (info.equals("sh") || info.equals("bash") || info.equals("shell")) {
                commands.addAll(shellCommands(block));
            } else if ((info.isEmpty() || info.equals("console") || info.equals("text")) && block.hasPrompt()) {
                commands.addAll(promptCommands(block));
            }
        }
        return new MarkdownCommands(file, List.copyOf(commands), List.copyOf(blocks), List.copyOf(inline));
    }

    private static List<Command> shellCommands(Block block) {
        List<Command> out = new ArrayList<>();
        StringBuilder pending = null;
        int pendingLine = 0;
        for (int k = 0; k < block.lines().size(); k++) {
            String raw = stripComment(block.lines().get(k)).strip();
            if (pending == null && raw.isEmpty()) {
                continue;
            }
            boolean continues = raw.endsWith("\\");
            String part = continues ? raw.substring(0, raw.length() - 1).strip() : raw;
            if (pending == null) {
                pending = new StringBuilder(part);
                pendingLine = block.line() + k;
            } else {
                pending.append(' ').append(part);
            }
            if (!continues) {
                out.add(new Command(pendingLine, pending.toString().strip(), false, List.of()));
                pending = null;
            }
        }
        if (pending != null) {
            throw new IllegalStateException("line " + pendingLine + ": a command ends with a \\ continuation");
        }
        return out;
    }

    private static List<Command> promptCommands(Block block) {
        List<Command> out = new ArrayList<>();
        List<String> lines = block.lines();
        for (int k = 0; k < lines.size(); k++) {
            if (!lines.get(k).startsWith("$ ")) {
                continue;
            }
            int end = k + 1;
            while (end < lines.size() && !lines.get(end).startsWith("$ ")) {
                end++;
            }
            out.add(new Command(block.line() + k, stripComment(lines.get(k).substring(2)).strip(), true,
                    List.copyOf(lines.subList(k + 1, end))));
        }
        return out;
    }

    /** Drops a shell comment: a {@code #} at the start or after a blank, outside quotes. */
    static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (c == '\\' && !single) {
                k++;
            } else if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (k == 0 || Character.isWhitespace(line.charAt(k - 1)))) {
                return line.substring(0, k);
            }
        }
        return line;
    }
}
