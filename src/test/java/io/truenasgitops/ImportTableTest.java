package io.truenasgitops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * CONTRIBUTING.md's layout table says, per top-level package, which packages of this project and which libraries
 * it uses. The table is the house rule a newcomer reads, so it must be the truth: this test reads the source (as
 * {@link PackageCyclesTest} does, imports and fully qualified names outside comments) and fails for a use the row
 * does not name and for a name the package no longer uses. JBoss Logging and the JDK are allowed everywhere.
 */
class ImportTableTest {

    static final Path CONTRIBUTING = Path.of("CONTRIBUTING.md");

    /** The library names the table may use, and the Java package prefix each stands for. */
    static final Map<String, String> LIBRARIES = libraries();

    static Map<String, String> libraries() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("Jackson", "com.fasterxml.jackson");
        names.put("SnakeYAML", "org.yaml.snakeyaml");
        names.put("JSON Schema", "com.networknt.schema");
        names.put("BouncyCastle", "org.bouncycastle");
        names.put("Vert.x", "io.vertx");
        names.put("Netty", "io.netty");
        names.put("Quarkus", "io.quarkus");
        names.put("SmallRye", "io.smallrye");
        names.put("MicroProfile", "org.eclipse.microprofile");
        names.put("Jakarta", "jakarta");
        names.put("RESTEasy", "org.jboss.resteasy");
        names.put("JGit", "org.eclipse.jgit");
        names.put("Apache SSHD", "org.apache.sshd");
        names.put("Micrometer", "io.micrometer");
        names.put("picocli", "picocli");
        names.put("SLF4J", "org.slf4j");
        return names;
    }

    static final Pattern LIBRARY_USE = Pattern.compile("(?<![\\w.])(" + String.join("|",
            LIBRARIES.values().stream().map(Pattern::quote).toList()) + ")\\.[A-Za-z]");

    /** One row of the table: what the package may use of this project and of the libraries. */
    record Row(Set<String> packages, Set<String> libraries) {
    }

    static Map<String, Row> table() throws IOException {
        List<String> lines = Files.readAllLines(CONTRIBUTING);
        int header = lines.indexOf("| package | holds | uses (of this project) | libraries |");
        assertThat(header).as("CONTRIBUTING.md has the layout table's header").isNotNegative();
        Map<String, Row> rows = new TreeMap<>();
        Pattern name = Pattern.compile("`([a-z][a-z0-9]*)`");
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|", -1);
            assertThat(cells).as("row %s has four cells", lines.get(i)).hasSizeGreaterThanOrEqualTo(6);
            Set<String> owners = new TreeSet<>();
            name.matcher(cells[1]).results().forEach(m -> owners.add(m.group(1)));
            Set<String> uses = new TreeSet<>();
            // only the names before a parenthesis are packages: "`reconcile` (records, `SyncListener`)"
            name.matcher(cells[3].replaceAll("\\([^)]*\\)", "")).results().forEach(m -> uses.add(m.group(1)));
            Set<String> libraries = new TreeSet<>();
            for (String library : cells[4].replaceAll("\\([^)]*\\)", "").split(",")) {
                String trimmed = library.trim();
                if (!trimmed.isEmpty() && !trimmed.equals("—")) {
                    assertThat(LIBRARIES).as("'%s' in the row of %s is a library this test knows", trimmed, owners)
                            .containsKey(trimmed);
                    libraries.add(trimmed);
                }
            }
            for (String owner : owners) {
                rows.put(owner, new Row(uses, libraries));
            }
        }
        return rows;
    }

    /** Package → library name → one file that uses it. */
    static Map<String, Map<String, Path>> libraryUses() throws IOException {
        Map<String, String> byPrefix = new LinkedHashMap<>();
        LIBRARIES.forEach((library, prefix) -> byPrefix.put(prefix, library));
        Map<String, Map<String, Path>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(PackageCyclesTest.ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = PackageCyclesTest.ROOT.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                Map<String, Path> used = uses.computeIfAbsent(relative.getName(0).toString(), k -> new TreeMap<>());
                Matcher m = LIBRARY_USE.matcher(PackageCyclesTest.withoutComments(Files.readString(file)));
                while (m.find()) {
                    used.putIfAbsent(byPrefix.get(m.group(1)), relative);
                }
            }
        }
        return uses;
    }

    @Test
    void everyTopLevelPackageHasARowAndEveryRowAPackage() throws IOException {
        assertThat(table().keySet()).isEqualTo(PackageCyclesTest.graph().keySet());
    }

    @Test
    void everyTopLevelPackageSaysWhatItHoldsInItsPackageInfo() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String name : PackageCyclesTest.graph().keySet()) {
            Path info = PackageCyclesTest.ROOT.resolve(name).resolve("package-info.java");
            if (!Files.exists(info) || !Files.readString(info).contains("/**")) {
                missing.add(info.toString());
            }
        }
        assertThat(missing).as("package-info.java files with a Javadoc comment").isEmpty();
    }

    @Test
    void eachPackageUsesExactlyTheProjectPackagesItsRowNames() throws IOException {
        Map<String, Row> table = table();
        List<String> wrong = new ArrayList<>();
        PackageCyclesTest.graph().forEach((from, uses) -> {
            Set<String> named = table.getOrDefault(from, new Row(Set.of(), Set.of())).packages();
            uses.forEach((to, file) -> {
                if (!named.contains(to)) {
                    wrong.add("`" + from + "` uses `" + to + "` (" + file + ") but its row does not name it");
                }
            });
            named.stream().filter(to -> !uses.containsKey(to))
                    .forEach(to -> wrong.add("the row of `" + from + "` names `" + to + "`, which it no longer uses"));
        });
        assertThat(wrong).as("CONTRIBUTING.md's layout table, column 'uses'").isEmpty();
    }

    @Test
    void eachPackageUsesExactlyTheLibrariesItsRowNames() throws IOException {
        Map<String, Row> table = table();
        List<String> wrong = new ArrayList<>();
        libraryUses().forEach((from, uses) -> {
            Set<String> named = table.getOrDefault(from, new Row(Set.of(), Set.of())).libraries();
            uses.forEach((library, file) -> {
                if (!named.contains(library)) {
                    wrong.add("`" + from + "` uses " + library + " (" + file + ") but its row does not name it");
                }
            });
            named.stream().filter(library -> !uses.containsKey(library))
                    .forEach(library -> wrong.add("the row of `" + from + "` names " + library
                            + ", which it no longer uses"));
        });
        assertThat(wrong).as("CONTRIBUTING.md's layout table, column 'libraries'").isEmpty();
    }
}
