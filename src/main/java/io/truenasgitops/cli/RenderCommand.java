package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.truenasgitops.compose.ComposeYaml;
import io.truenasgitops.compose.Payload;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.SecretMasker;
import io.truenasgitops.compose.Stamp;
import io.truenasgitops.compose.Stamps;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.SecretsDirectory;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code render STACK_DIR}: prints what would be sent to TrueNAS for one stack (interpolated, env files inlined,
 * normalised, stamped), like {@code docker compose config}.
 */
@Dependent
@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Print the compose that would be sent to TrueNAS for one stack: interpolated, env files inlined,"
                + " normalised and stamped (revision 'local'), with its content hash.",
            "Secrets are shown as *** unless --show-secrets."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  rendered", "  1  the stack has errors (listed on stderr)", "  2  usage error"})
public class RenderCommand implements TopLevelCommand, Callable<Integer> {

    /** The revision put into stamps of local renders. */
    public static final String LOCAL_REVISION = "local";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STACK_DIR", description = "The stack folder (holding compose.yaml).")
    Path stackDir;

    @Mixin
    StackOptionsMixin stackOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
            description = "yaml or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--show-secrets", description = "Print secret values instead of ***.")
    boolean showSecrets;

    @Override
    public Integer call() throws Exception {
        if (!"yaml".equals(output) && !"json".equals(output)) {
            throw new UsageException("unknown output format '" + output + "': use yaml or json");
        }
        Path dir = stackDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new UsageException("render: " + stackDir + " is not a directory");
        }
        if (StackRepository.composeFiles(dir).isEmpty()) {
            throw new UsageException("render: " + stackDir + " has no compose file ("
                    + String.join(", ", StackRepository.COMPOSE_FILE_NAMES) + ")");
        }
        StacksOptions options = stackOptions.toOptions();
        // A stack inside <repo>/<stacksDir>/ gets the same stamp path the daemon would give it.
        Path repoRoot = StackRepository.repoRootOf(dir, options);
        SecretsDirectory.Result secrets = SecretsDirectory.read(options.secretsDir());
        LoadedStack stack = StackRepository.load(repoRoot, dir, options, secrets.values());
        PrintWriter err = spec.commandLine().getErr();
        secrets.problems().forEach(p -> err.println(p.format()));
        stack.problems().forEach(p -> err.println(p.format()));
        err.flush();
        if (!stack.isValid()) {
            return ExitCodes.FAILED;
        }
        Stamp stamp = stack.rendered().stamp(repoRoot.toUri().toString(), stack.relativeDir(), LOCAL_REVISION);
        Map<String, Object> stamped = Stamps.apply(stack.rendered().compose(), stamp);
        int bytes = Payload.bytes(stack.name(), stamped);
        SecretMasker masker = showSecrets ? SecretMasker.NONE : stack.rendered().masker();
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) masker.maskTree(stamped);
        PrintWriter out = spec.commandLine().getOut();
        if ("json".equals(output)) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("app", stack.name());
            json.put("hash", stack.rendered().hash());
            json.put("bytes", bytes);
            json.put("custom_compose_config", shown);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(json));
        } else {
            out.println("# app: " + stack.name());
            out.println("# hash: " + stack.rendered().hash());
            out.println("# size: " + bytes + " of " + Payload.MAX_BYTES + " bytes in one app.update message");
            out.print(ComposeYaml.dump(shown));
        }
        out.flush();
        return stack.problems().stream().anyMatch(Problem::isError) ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
