package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release's distribution archive, as a user gets it: {@code deploy/dist.sh} builds it from the packaged
 * application (so this runs in Failsafe, after {@code package}, like the doc walks), its {@code SHA256SUMS}
 * matches, and the launcher unpacked from it runs {@code --version} with the pom's version.
 */
class DistArchiveDocsIT {

    static final Path PROJECT = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    static String pomVersion() throws IOException {
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  <version>([^<]+)</version>$").matcher(pom);
        assertThat(m.find()).as("the project's <version> in pom.xml").isTrue();
        return m.group(1);
    }

    static String run(Path dir, Path log, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("TRUENAS_GITOPS_ARCHIVE", "off");
        pb.environment().put("NO_COLOR", "1");
        Process p = pb.start();
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).as(String.join(" ", command) + " ended").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    @Test
    void theArchiveUnpacksAnywhereAndItsLauncherPrintsTheReleasesVersion() throws Exception {
        String version = pomVersion();
        run(PROJECT, tmp.resolve("dist.log"), List.of("sh", "deploy/dist.sh"));
        Path archive = PROJECT.resolve("target/dist/truenas-gitops-" + version + ".tar.gz");
        assertThat(archive).isRegularFile();

        String sums = Files.readString(PROJECT.resolve("target/dist/SHA256SUMS"), StandardCharsets.UTF_8);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
        assertThat(sums.strip()).isEqualTo(digest + "  truenas-gitops-" + version + ".tar.gz");

        Path unpacked = Files.createDirectories(tmp.resolve("opt"));
        run(unpacked, tmp.resolve("tar.log"), List.of("tar", "-xzf", archive.toString()));
        Path home = unpacked.resolve("truenas-gitops-" + version);
        assertThat(home.resolve("completions/truenas-gitops.bash")).isRegularFile();
        assertThat(home.resolve("completions/_truenas-gitops")).isRegularFile();
        assertThat(home.resolve("completions/truenas-gitops.fish")).isRegularFile();
        assertThat(Files.readString(home.resolve("docs/commands.md"))).contains("## truenas-gitops sync",
                "## truenas-gitops mode", "```text");
        assertThat(home.resolve("CHANGELOG.md")).isRegularFile();

        String printed = run(tmp, tmp.resolve("version.log"), List.of(home.resolve("truenas-gitops").toString(),
                "--version"));
        assertThat(printed.strip()).isEqualTo("truenas-gitops " + version);
    }
}
