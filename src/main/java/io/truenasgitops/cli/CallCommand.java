package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.truenasgitops.truenas.Job;
import io.truenasgitops.truenas.TrueNasClient;
import jakarta.enterprise.context.Dependent;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code call METHOD [ARG...]}: a raw middleware call, like {@code midclt call}. */
@Dependent
@Command(name = "call", description = {
    "Call a middleware method directly, like midclt: each ARG is parsed as JSON when it is valid JSON and sent as"
            + " a string otherwise.",
    "Prints the result as JSON."})
public class CallCommand extends NasCommand implements TopLevelCommand {

    @Parameters(index = "0", paramLabel = "METHOD", description = "The method, e.g. app.query, core.get_jobs or docker.status.")
    String method;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "Positional arguments, e.g. '[[\"name\",\"=\",\"x\"]]'.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-j", "--job"}, description = "The method starts a job: wait for it (with progress) and print its result.")
    boolean job;

    @Option(names = {"-o", "--output"}, paramLabel = "json|yaml", defaultValue = "json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    OutputOptions.Format format;

    @Override
    void prepare() {
        if (format == OutputOptions.Format.table) {
            throw new UsageException("call prints JSON or YAML: -o json or -o yaml");
        }
    }

    @Override
    int run(TrueNasClient client) {
        List<Object> params = new ArrayList<>();
        for (String arg : args) {
            params.add(parse(arg));
        }
        JsonNode result;
        if (job) {
            JobProgress progress = JobProgress.on(err());
            try {
                Job finished = client.callJob(method, progress, params.toArray());
                result = finished.result();
            } finally {
                progress.finish();
            }
        } else {
            result = client.call(method, params.toArray());
        }
        OutputOptions output = new OutputOptions();
        output.format = format;
        output.printDocument(out(), result);
        return ExitCodes.OK;
    }

    static JsonNode parse(String arg) {
        try {
            JsonNode node = OutputOptions.Mappers.JSON.readTree(arg);
            return node == null || node.isMissingNode() ? TextNode.valueOf(arg) : node;
        } catch (Exception e) {
            return TextNode.valueOf(arg);
        }
    }
}
