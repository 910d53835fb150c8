package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.truenasgitops.emulator.DockerOptions;
import io.truenasgitops.emulator.DockerState;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code truenas-gitops emulator}: runs the TrueNAS middleware emulator until SIGTERM/SIGINT, printing how to
 * connect (URLs, API key, certificate fingerprint) and writing the same as JSON to {@code --ready-file}.
 */
@Command(
        name = "emulator",
        mixinStandardHelpOptions = true,
        description = {
            "Run an emulated TrueNAS middleware (JSON-RPC 2.0 and legacy WebSocket API over TLS) with in-memory apps"
                    + " (or, with --docker, apps as real containers).",
            "Prints url, legacyUrl, apiKey and tlsFingerprint, then runs until interrupted."
        })
public class EmulatorCommand implements Callable<Integer>, TopLevelCommand {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "TLS port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key", description = "API key to accept, <id>-<64 alphanumerics>; generated when absent.")
    String apiKey;

    @Option(names = "--username", defaultValue = "truenas_admin", description = "Owner of the API key (default: ${DEFAULT-VALUE}).")
    String username;

    @Option(names = "--release", defaultValue = "V25_04", description = "Release to emulate: V24_10, V25_04, V25_10, V26_0 or V27_0 (default: ${DEFAULT-VALUE}).")
    Release release;

    @Option(names = "--deploy-delay", defaultValue = "2s", paramLabel = "DURATION",
            description = "How long apps stay DEPLOYING, like 2s or 1m (default: ${DEFAULT-VALUE}).")
    Duration deployDelay;

    @Option(names = "--job-step-delay", defaultValue = "300ms", paramLabel = "DURATION",
            description = "Pause between job progress steps (default: ${DEFAULT-VALUE}).")
    Duration jobStepDelay;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "Drop connections the server sent nothing on for this long (nginx: 60s); off when absent.")
    Duration idleTimeout;

    @Option(names = "--plain-listener", description = "Also listen for plain ws:// on an ephemeral port.")
    boolean plainListener;

    @Option(names = "--plain-remote-address", description = "Client address plain connections appear to come from (e.g. 192.0.2.10).")
    String plainRemoteAddress;

    @Option(names = "--unix-socket", paramLabel = "PATH", description = {
        "Also listen on this unix socket, like middlewared's /var/run/middleware/middlewared.sock (Linux only).",
        "Connections on it are logged in by their peer uid: 0 as root, 950 as --username, others must log in."})
    Path unixSocket;

    @Option(names = "--unix-peer-uid", paramLabel = "UID",
            description = "Treat every unix socket connection as coming from this uid instead of the real one (to try the non-root case).")
    Integer unixPeerUid;

    @Option(names = "--docker-state", defaultValue = "RUNNING", paramLabel = "STATE", description = {
        "State of the emulated apps service (docker.status): ${COMPLETION-CANDIDATES}. Anything but RUNNING"
                + " makes app.query answer [] and app.create fail, as on a NAS whose Docker is down"
                + " (default: ${DEFAULT-VALUE})."})
    DockerState dockerState;

    @Option(names = "--docker", description = {
        "Run apps as real containers on a Docker Engine (DOCKER_HOST, or --docker-host), as middlewared does:",
        "docker compose -p ix-<app> up/down; states, ports and logs come from the containers. Never pulls."})
    boolean docker;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "The Docker Engine for --docker, as DOCKER_HOST spells it (unix:///var/run/docker.sock); implies --docker.")
    String dockerHost;

    @Option(names = "--ix-apps-dir", paramLabel = "DIR", description = {
        "With --docker: the emulated /mnt/.ix-apps (rendered composes, app_lifecycle.log);"
                + " default: a temporary folder removed on exit."})
    Path ixAppsDir;

    @Option(names = "--image-update", paramLabel = "IMAGE", description = {
        "Report a newer image under this tag (nginx:1.25), as a NAS does once its daily image check saw the tag move:"
                + " apps running it show image_updates_available until app.pull_images. Repeatable."})
    java.util.List<String> imageUpdates = new java.util.ArrayList<>();

    @Option(names = "--app-datasets", paramLabel = "REPO", description = {
        "Give each stack folder of REPO/stacks a dataset of its own, tank/apps/<stack> at /mnt/tank/apps/<stack>"
                + " (e.g. --app-datasets stacks-example): then snapshot: policies protect data under"
                + " /mnt/tank/apps/<stack>, and a snapshot, a failed update and rollback can be tried."})
    Path appDatasets;

    @Option(names = "--dataset", paramLabel = "NAME", description = {
        "Add this dataset (tank/media, mounted at /mnt/tank/media; missing parents too) to the emulated pool."
                + " Repeatable."})
    java.util.List<String> datasets = new java.util.ArrayList<>();

    @Option(names = "--ready-file", description = "Write url, legacyUrl, apiKey, tlsFingerprint (and more) as JSON to this file once listening.")
    Path readyFile;

    @Option(names = "--allow-non-loopback", description = "Allow --host to be a non-loopback address (exposes the emulator to the network).")
    boolean allowNonLoopback;

    @Override
    public Integer call() throws Exception {
        if (!allowNonLoopback && !InetAddress.getByName(host).isLoopbackAddress()) {
            throw new UsageException("emulator: refusing to bind non-loopback address '" + host
                    + "'; pass --allow-non-loopback to expose the emulator to the network");
        }
        EmulatorOptions options = EmulatorOptions.defaults()
                .withHost(host).withPort(port).withApiKey(apiKey).withUsername(username).withRelease(release)
                .withDeployDelay(deployDelay).withJobStepDelay(jobStepDelay).withIdleTimeout(idleTimeout)
                .withFailedLoginDelay(Duration.ofSeconds(1)).withDockerState(dockerState)
                .withPlainListener(plainListener, plainRemoteAddress);
        if (docker || dockerHost != null) {
            options = options.withDocker(new DockerOptions(dockerHost,
                    ixAppsDir == null ? null : ixAppsDir.toAbsolutePath()));
        } else if (ixAppsDir != null) {
            throw new UsageException("emulator: --ix-apps-dir needs --docker");
        }
        for (String image : imageUpdates) {
            if (image.contains("@")) {
                throw new UsageException("emulator: --image-update '" + image + "' is a digest reference; a NAS never"
                        + " reports those as outdated (its image check walks tags only): give a tag such as nginx:1.25");
            }
        }
        if (unixSocket != null) {
            options = options.withUnixSocket(unixSocket.toAbsolutePath(), unixPeerUid);
        } else if (unixPeerUid != null) {
            throw new UsageException("emulator: --unix-peer-uid needs --unix-socket");
        }
        try (ShutdownSignal signal = new ShutdownSignal(); TrueNasEmulator emulator = TrueNasEmulator.start(options)) {
            imageUpdates.forEach(emulator.imageUpdates()::markUpdated);
            java.util.List<String> seeded = new java.util.ArrayList<>();
            if (appDatasets != null) {
                if (!Files.isDirectory(appDatasets.resolve("stacks"))) {
                    throw new UsageException("emulator: --app-datasets " + appDatasets + " has no 'stacks' folder: give"
                            + " a repository root such as stacks-example");
                }
                seeded.addAll(emulator.storage().seedAppDatasets(appDatasets.resolve("stacks")));
            }
            for (String d : datasets) {
                try {
                    emulator.storage().seedDataset(d);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("emulator: --dataset '" + d + "' is not a dataset name (pool/name,"
                            + " e.g. tank/media)");
                }
                seeded.add(d);
            }
            ObjectNode ready = new ObjectMapper().createObjectNode();
            ready.put("url", emulator.url());
            ready.put("legacyUrl", emulator.legacyUrl());
            ready.put("apiKey", emulator.apiKey());
            ready.put("username", emulator.username());
            ready.put("tlsFingerprint", emulator.tlsFingerprint());
            ready.put("caCertificatePem", emulator.caCertificatePem().toString());
            ready.put("port", emulator.port());
            ready.put("release", emulator.release().name());
            if (emulator.plainUrl() != null) {
                ready.put("plainUrl", emulator.plainUrl());
            }
            if (emulator.unixSocketUrl() != null) {
                ready.put("unixSocketUrl", emulator.unixSocketUrl());
            }
            if (!emulator.docker().isEmpty()) {
                emulator.docker().forEach((k, v) -> ready.put(k, v));
            }
            var out = spec.commandLine().getOut();
            out.println("url:            " + emulator.url());
            out.println("legacyUrl:      " + emulator.legacyUrl());
            out.println("apiKey:         " + emulator.apiKey());
            out.println("username:       " + emulator.username());
            out.println("tlsFingerprint: " + emulator.tlsFingerprint());
            if (emulator.plainUrl() != null) {
                out.println("plainUrl:       " + emulator.plainUrl());
            }
            if (emulator.unixSocketUrl() != null) {
                out.println("unixSocketUrl:  " + emulator.unixSocketUrl());
            }
            if (!seeded.isEmpty()) {
                out.println("datasets:       " + String.join(", ", seeded));
            }
            if (!emulator.docker().isEmpty()) {
                out.println("compose:        " + emulator.docker().get("compose"));
                out.println("ixAppsDir:      " + emulator.docker().get("ixAppsDir"));
            }
            out.flush();
            if (readyFile != null) {
                Path tmp = Files.createTempFile(readyFile.toAbsolutePath().getParent(), ".emulator", ".json");
                Files.writeString(tmp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(ready));
                Files.move(tmp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            signal.await();
        }
        return ExitCodes.OK;
    }
}
