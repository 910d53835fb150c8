package io.truenasgitops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The top-level packages of src/main ({@code io.truenasgitops.X}) depend on each other one way only: any cycle
 * fails with the packages in it and a file for each arrow. Dependencies are read from the source (imports and
 * fully qualified names outside comments), so the check needs no class files and no library.
 */
class PackageCyclesTest {

    static final Path ROOT = Path.of("src/main/java/io/truenasgitops");
    static final Pattern REFERENCE = Pattern.compile("\\bio\\.truenasgitops\\.([a-z][a-z0-9]*)\\.");

    /** Package → the packages it uses → one file that shows the arrow. */
    static Map<String, Map<String, Path>> graph() throws IOException {
        Map<String, Map<String, Path>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = ROOT.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                String from = relative.getName(0).toString();
                Map<String, Path> uses = graph.computeIfAbsent(from, k -> new TreeMap<>());
                Matcher m = REFERENCE.matcher(withoutComments(Files.readString(file)));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        uses.putIfAbsent(m.group(1), relative);
                    }
                }
            }
        }
        return graph;
    }

    /** The source with its comments blanked (string literals kept, so a "//" inside one is not a comment). */
    static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < source.length() && source.charAt(end) != c) {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                out.append(source, i, Math.min(end + 1, source.length()));
                i = end + 1;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The strongly connected groups of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Map<String, Path>> graph) {
        List<Set<String>> found = new ArrayList<>();
        Map<String, Integer> index = new TreeMap<>();
        Map<String, Integer> low = new TreeMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, counter, found);
            }
        }
        return found;
    }

    private static void connect(String node, Map<String, Map<String, Path>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, int[] counter, List<Set<String>> found) {
        index.put(node, counter[0]);
        low.put(node, counter[0]++);
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, counter, found);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> group = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                group.add(member);
            } while (!member.equals(node));
            if (group.size() > 1) {
                found.add(group);
            }
        }
    }

    @Test
    void noTwoTopLevelPackagesDependOnEachOther() throws IOException {
        Map<String, Map<String, Path>> graph = graph();
        List<String> arrows = new ArrayList<>();
        for (Set<String> cycle : cycles(graph)) {
            for (String from : cycle) {
                graph.get(from).forEach((to, file) -> {
                    if (cycle.contains(to)) {
                        arrows.add(from + " -> " + to + " (" + file + ")");
                    }
                });
            }
        }
        assertThat(arrows).as("arrows inside a cycle between top-level packages").isEmpty();
    }

    @Test
    void theScanSeesTheKnownArrowsAndFindsACycleWhereOneIs() throws IOException {
        Map<String, Map<String, Path>> graph = graph();
        assertThat(graph.get("cli")).containsKeys("reconcile", "truenas", "app");
        assertThat(graph.get("app")).containsKeys("api", "reconcile");

        Map<String, Map<String, Path>> looped = Map.of("a", Map.of("b", Path.of("A.java")),
                "b", Map.of("c", Path.of("B.java")), "c", Map.of("a", Path.of("C.java")), "d", Map.of("a", Path.of("D.java")));
        assertThat(cycles(looped)).containsExactly(Set.of("a", "b", "c"));
        assertThat(withoutComments("a /* io.truenasgitops.x.Y */ b // io.truenasgitops.z.W\n\"//s\""))
                .doesNotContain("io.truenasgitops").contains("\"//s\"");
    }
}
