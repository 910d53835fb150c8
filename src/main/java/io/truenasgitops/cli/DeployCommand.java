package io.truenasgitops.cli;

import io.truenasgitops.truenas.AlreadyExistsException;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.TrueNasClient;
import jakarta.enterprise.context.Dependent;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deploy COMPOSE_FILE --name NAME}: create the custom app, or update it when it exists. */
@Dependent
@Command(name = "deploy", description = {
    "Create a custom app from a compose file, or update it when it exists (TrueNAS recreates all its containers).",
    "The file is read with YAML 1.2 rules and sent as a JSON object, so values like 22:22 or 'yes' survive."})
public class DeployCommand extends NasCommand implements TopLevelCommand {

    /** TrueNAS' app name rule (app_create.app_name): lower-case, digits and dashes, 1..40 characters. */
    static final Pattern APP_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

    @Parameters(paramLabel = "COMPOSE_FILE", description = "The compose file (YAML).")
    Path composeFile;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The TrueNAS app name.")
    String name;

    @Mixin
    OutputOptions output;

    private Map<String, Object> compose;

    @Override
    void prepare() {
        if (!APP_NAME.matcher(name).matches() || name.length() > 40) {
            throw new UsageException("invalid app name '" + name + "': TrueNAS needs 1 to 40 lower-case letters,"
                    + " digits and dashes, starting with a letter and not ending with a dash");
        }
        compose = ComposeFiles.read(composeFile);
    }

    @Override
    int run(TrueNasClient client) {
        JobProgress progress = JobProgress.on(err());
        App app;
        String verb;
        try {
            if (client.apps().get(name, false).isPresent()) {
                app = client.apps().update(name, compose, progress);
                verb = "updated";
            } else {
                try {
                    app = client.apps().create(name, compose, progress);
                    verb = "created";
                } catch (AlreadyExistsException e) {
                    // Someone created it between the lookup and the create: update instead.
                    app = client.apps().update(name, compose, progress);
                    verb = "updated";
                }
            }
        } finally {
            progress.finish();
        }
        if (output.isTable()) {
            out().println(verb + " app '" + app.name() + "' (" + app.state() + ")");
            out().flush();
        } else {
            output.printDocument(out(), app.raw());
        }
        return ExitCodes.OK;
    }
}
