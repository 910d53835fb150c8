package io.truenasgitops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** docs/performance.md, where every benchmark writes its own section between its start and end markers. */
final class PerformanceReport {

    static final Path FILE = Path.of("docs/performance.md");

    private PerformanceReport() {}

    /**
     * Replaces the section between {@code start} and {@code end} (both included in {@code section}) with
     * {@code section}, or appends it when the file has no such section yet.
     */
    static void writeSection(String section, String start, String end) throws IOException {
        String doc = Files.exists(FILE) ? Files.readString(FILE)
                : "# Performance\n\nNumbers measured by the benchmarks under `src/test/java/**/bench/`.\n";
        int s = doc.indexOf(start);
        int e = doc.indexOf(end);
        if (s >= 0 && e > s) {
            doc = doc.substring(0, s) + section + doc.substring(e + end.length());
        } else {
            doc = doc.stripTrailing() + "\n\n" + section + "\n";
        }
        Files.createDirectories(FILE.toAbsolutePath().getParent());
        Files.writeString(FILE, doc);
    }
}
