package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code -o table|json|yaml} for commands whose output is data ({@code @Mixin}). */
public class OutputOptions {

    /** The output formats. */
    public enum Format {
        table,
        json,
        yaml,
        /** GitHub-flavoured Markdown for a pull-request comment: {@code plan} only. */
        markdown
    }

    /**
     * The mappers, created at first use: every command carries these options, and Jackson's start-up (hundreds of
     * classes) would otherwise be paid by {@code --version} and {@code --help} too.
     */
    static final class Mappers {
        static final ObjectMapper JSON = documents(new ObjectMapper()).enable(SerializationFeature.INDENT_OUTPUT);
        static final ObjectMapper YAML = documents(new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)));

        /** Times as the REST API writes them (ISO-8601 text), so that the CLI's documents are the daemon's. */
        private static ObjectMapper documents(ObjectMapper mapper) {
            return mapper.registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        }

        private Mappers() {}
    }

    @Option(names = {"-o", "--output"}, paramLabel = "table|json|yaml",
            description = "Output format (default: ${DEFAULT-VALUE}).", defaultValue = "table")
    Format format = Format.table;

    /** Prints data as JSON or YAML (for table, callers print their own table and call this only for documents). */
    void printDocument(PrintWriter out, Object value) {
        if (format == Format.markdown) {
            throw new UsageException("-o markdown is for plan only (a pull-request comment); use -o json or -o yaml");
        }
        try {
            if (format == Format.yaml) {
                out.print(Mappers.YAML.writeValueAsString(value));
            } else {
                out.println(Mappers.JSON.writeValueAsString(value));
            }
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException("cannot render the output", e);
        }
    }

    boolean isTable() {
        return format == Format.table;
    }

    boolean isMarkdown() {
        return format == Format.markdown;
    }

    /** Prints rows as a left-aligned table with a header. */
    static void printTable(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], Style.visibleLength(row.get(i)));
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i) == null ? "-" : row.get(i);
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - Style.visibleLength(cell) + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static String text(JsonNode node) {
        return node == null || node.isNull() ? "-" : node.isTextual() ? node.asText() : node.toString();
    }
}
