package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Files beside the compose reach the containers as configs with {@code content:}, through the whole pipeline. */
class FileMountsTest {

    /** A stack folder in memory: path to content; a path ending in '/' is a folder. */
    static final class MemoryFiles implements StackFiles {
        final Map<String, Object> entries = new TreeMap<>();
        final List<String> looked = new ArrayList<>();

        MemoryFiles file(String path, String text) {
            entries.put(path, new File(text.getBytes(StandardCharsets.UTF_8), false, false));
            return this;
        }

        MemoryFiles put(String path, Entry entry) {
            entries.put(path, entry);
            return this;
        }

        @Override
        public Entry look(String path, long maxBytes) {
            looked.add(path);
            Object e = entries.get(path);
            if (e instanceof Entry entry) {
                return entry;
            }
            String prefix = path.isEmpty() ? "" : path + "/";
            List<String> children = entries.keySet().stream().filter(k -> k.startsWith(prefix))
                    .map(k -> k.substring(prefix.length()).split("/")[0]).distinct().sorted().toList();
            return children.isEmpty() ? new Missing() : new Folder(children);
        }
    }

    static ComposeRenderer.Result render(String yaml, StackFiles files) {
        return render(yaml, files, null);
    }

    static ComposeRenderer.Result render(String yaml, StackFiles files, java.nio.file.Path hostBase) {
        return ComposeRenderer.render(new ComposeRenderer.Request("app", yaml, "stacks/app/compose.yaml", null,
                "stacks/app", Variables.none(), hostBase, null, ExpansionBudget.perStack(), null, files));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String... keys) {
        Object at = o;
        for (String k : keys) {
            at = ((Map<String, Object>) at).get(k);
        }
        return (Map<String, Object>) at;
    }

    static String errors(ComposeRenderer.Result r) {
        return r.problems().stream().filter(Problem::isError).map(Problem::format).toList().toString();
    }

    @Test
    void aRelativeFileBindBecomesAConfigWithTheFilesBytesAtTheSameTarget() {
        MemoryFiles files = new MemoryFiles().file("Caddyfile", ":80 {\n  respond \"$HOME\"\n}\n");
        ComposeRenderer.Result r = render("services:\n  caddy:\n    image: caddy:2\n    volumes:\n"
                + "      - ./Caddyfile:/etc/caddy/Caddyfile:ro\n", files);

        assertThat(r.ok()).as(errors(r)).isTrue();
        Map<String, Object> compose = r.rendered().compose();
        // Compose on the NAS interpolates content too: the file's '$' stays literal.
        assertThat(map(compose, "configs", "file-Caddyfile")).containsEntry("content",
                ":80 {\n  respond \"$$HOME\"\n}\n");
        Map<String, Object> caddy = map(compose, "services", "caddy");
        assertThat(caddy).doesNotContainKey("volumes");
        assertThat((List<Object>) caddy.get("configs")).containsExactly(
                Map.of("source", "file-Caddyfile", "target", "/etc/caddy/Caddyfile"));
    }

    @Test
    void theLongSyntaxAndAnExecutableFileAreDeliveredWithMode0555() {
        MemoryFiles files = new MemoryFiles().put("bin/entry.sh",
                new StackFiles.File("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), true, false));
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n      - type: bind\n"
                + "        source: ./bin/entry.sh\n        target: /entry.sh\n        read_only: true\n", files);

        assertThat(r.ok()).as(errors(r)).isTrue();
        assertThat((List<Object>) map(r.rendered().compose(), "services", "web").get("configs")).containsExactly(
                Map.of("source", "file-bin_entry.sh", "target", "/entry.sh", "mode", (long) 0555));
    }

    @Test
    void aChangeToTheFileAloneChangesTheHash() {
        String yaml = "services:\n  web:\n    image: a\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n";
        String one = render(yaml, new MemoryFiles().file("nginx.conf", "worker_processes 1;\n")).rendered().hash();
        String same = render(yaml, new MemoryFiles().file("nginx.conf", "worker_processes 1;\n")).rendered().hash();
        String two = render(yaml, new MemoryFiles().file("nginx.conf", "worker_processes 2;\n")).rendered().hash();

        assertThat(one).isEqualTo(same).isNotEqualTo(two);
    }

    @Test
    void aFolderOfTextFilesIsOneConfigPerFileUnderTheTarget() {
        MemoryFiles files = new MemoryFiles().file("conf.d/a.conf", "a\n").file("conf.d/sub/b.conf", "b\n");
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./conf.d:/etc/nginx/conf.d:ro\n", files);

        assertThat(r.ok()).as(errors(r)).isTrue();
        assertThat((List<Object>) map(r.rendered().compose(), "services", "web").get("configs")).containsExactly(
                Map.of("source", "file-conf.d_a.conf", "target", "/etc/nginx/conf.d/a.conf"),
                Map.of("source", "file-conf.d_sub_b.conf", "target", "/etc/nginx/conf.d/sub/b.conf"));
    }

    @Test
    void aMissingSourceOrAFolderHoldingOnlyAGitkeepIsADataFolderRewrittenUnderTheHostBasePath() {
        MemoryFiles files = new MemoryFiles().file("data/.gitkeep", "");
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n      - ./data:/data\n"
                + "      - ./cache:/cache\n", files, java.nio.file.Path.of("/mnt/tank/apps"));

        assertThat(r.ok()).as(errors(r)).isTrue();
        assertThat((List<Object>) map(r.rendered().compose(), "services", "web").get("volumes")).hasSize(2)
                .allSatisfy(v -> assertThat(v.toString()).contains("/mnt/tank/apps/app/"));
        assertThat(r.rendered().compose()).doesNotContainKey("configs");
    }

    @Test
    void aRelativeConfigFileGetsItsContentInline() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    configs:\n      - source: app\n"
                + "        target: /app.json\nconfigs:\n  app:\n    file: ./app.json\n",
                new MemoryFiles().file("app.json", "{\"a\": 1}\n"));

        assertThat(r.ok()).as(errors(r)).isTrue();
        assertThat(map(r.rendered().compose(), "configs", "app")).containsExactly(Map.entry("content",
                "{\"a\": 1}\n"));
    }

    @Test
    void aRelativeSecretFileBecomesAConfigAtRunSecretsMaskedInEverythingShown() {
        ComposeRenderer.Result r = render("services:\n  db:\n    image: postgres\n    secrets:\n      - db_pw\n"
                + "      - source: api\n        target: api.key\n        mode: 0400\n"
                + "secrets:\n  db_pw:\n    file: ./db_pw.txt\n  api:\n    file: api.txt\n",
                new MemoryFiles().file("db_pw.txt", "hunter2\n").file("api.txt", "k3y-value\n"));

        assertThat(r.ok()).as(errors(r)).isTrue();
        Map<String, Object> compose = r.rendered().compose();
        assertThat(compose).doesNotContainKey("secrets");
        assertThat(map(compose, "configs", "db_pw")).containsEntry("content", "hunter2\n");
        Map<String, Object> db = map(compose, "services", "db");
        assertThat(db).doesNotContainKey("secrets");
        assertThat((List<Object>) db.get("configs")).containsExactlyInAnyOrder(
                Map.of("source", "db_pw", "target", "/run/secrets/db_pw"),
                Map.of("source", "api", "target", "/run/secrets/api.key", "mode", (long) 0400));
        String shown = ComposeYaml.dump(r.rendered().masker().maskTree(compose));
        assertThat(shown).doesNotContain("hunter2", "k3y-value").contains("***");
        ComposeDiff diff = ComposeDiff.between(Map.of(), compose, r.rendered().masker());
        assertThat(diff.unified()).doesNotContain("hunter2", "k3y-value");
    }

    @Test
    void aSopsFileIsMaskedLikeASecret() {
        MemoryFiles files = new MemoryFiles().put("app.env",
                new StackFiles.File("TOKEN=decrypted-value\n".getBytes(StandardCharsets.UTF_8), false, true));
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./app.env:/app/.env:ro\n", files);

        assertThat(r.ok()).as(errors(r)).isTrue();
        assertThat(ComposeYaml.dump(r.rendered().masker().maskTree(r.rendered().compose())))
                .doesNotContain("decrypted-value");
    }

    @Test
    void aFileOverTheBoundABinaryFileAndAnEscapeAreErrorsNamingTheFileTheBoundAndTheWayOut() {
        MemoryFiles files = new MemoryFiles().file("big.conf", "x".repeat(FileMounts.MAX_FILE_BYTES + 1))
                .put("logo.png", new StackFiles.File(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1}, false, false));
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./big.conf:/big.conf\n      - ./logo.png:/logo.png\n      - ../shared/x.conf:/x.conf\n",
                files);

        assertThat(r.ok()).isFalse();
        List<Problem> errors = r.problems().stream().filter(Problem::isError).toList();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).format()).contains("compose.yaml:5:", "stacks/app/big.conf",
                "larger than 32768 bytes", "absolute path /mnt/<pool>");
        assertThat(errors.get(1).format()).contains("compose.yaml:6:", "stacks/app/logo.png", "not a text file",
                "/mnt/<pool>");
        assertThat(errors.get(2).format()).contains("compose.yaml:7:", "'../shared/x.conf' is outside the stack"
                + " folder stacks/app", "/mnt/<pool>");
    }

    @Test
    void aFolderHoldingABinaryFileIsAnErrorNamingThatFile() {
        MemoryFiles files = new MemoryFiles().file("html/index.html", "<p>hi</p>\n")
                .put("html/favicon.ico", new StackFiles.File(new byte[] {0, 0, 1, 0}, false, false));
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./html:/usr/share/nginx/html:ro\n", files);

        assertThat(r.ok()).isFalse();
        assertThat(errors(r)).contains("stacks/app/html/favicon.ico is not a text file");
    }

    @Test
    void theStackBoundCountsEveryFileOnce() {
        String chunk = "y".repeat(FileMounts.MAX_FILE_BYTES - 10);
        MemoryFiles files = new MemoryFiles().file("a.conf", chunk).file("b.conf", chunk);
        ComposeRenderer.Result twice = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./a.conf:/a.conf\n  web2:\n    image: a\n    volumes:\n      - ./a.conf:/a.conf\n", files);
        ComposeRenderer.Result both = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./a.conf:/a.conf\n      - ./b.conf:/b.conf\n", files);

        assertThat(twice.ok()).as(errors(twice)).isTrue();
        assertThat(map(twice.rendered().compose(), "configs")).hasSize(1);
        assertThat(both.ok()).isFalse();
        assertThat(errors(both)).contains("stacks/app/b.conf brings the files", "more than the 49152 one stack");
    }

    @Test
    void aReadOnlyServiceCannotTakeADeliveredFile() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    read_only: true\n    volumes:\n"
                + "      - ./a.conf:/a.conf:ro\n", new MemoryFiles().file("a.conf", "a\n"));

        assertThat(r.ok()).isFalse();
        assertThat(errors(r)).contains("has read_only: true, and docker compose cannot copy './a.conf'");
    }

    @Test
    void anEmptyFileAndAMissingConfigFileAreErrors() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./empty.conf:/e.conf\nconfigs:\n  c:\n    file: ./nope.json\n",
                new MemoryFiles().file("empty.conf", ""));

        assertThat(errors(r)).contains("stacks/app/empty.conf is empty", "file './nope.json' does not exist in"
                + " stacks/app");
    }

    @Test
    void withoutAStackFolderNothingIsReadAndRelativeBindsAreDataFoldersAsBefore() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n      - ./x:/x\n",
                StackFiles.NONE);

        assertThat(errors(r)).contains("relative bind mount './x' would resolve inside TrueNAS's internal");
    }

    @Test
    void problemsAfterADeliveredBindStillPointAtTheirOwnLine() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./a.conf:/a.conf\n      - ./data:/data\n", new MemoryFiles().file("a.conf", "a\n"));

        assertThat(r.problems()).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> assertThat(p.format()).contains("compose.yaml:6:", "'./data'"));
    }

    @Test
    void userConfigNamesAreNeverTaken() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n      - ./x:/x\n"
                + "    configs: [file-x]\nconfigs:\n  file-x:\n    content: mine\n", new MemoryFiles().file("x", "x\n"));

        assertThat(r.ok()).as(errors(r)).isTrue();
        assertThat(map(r.rendered().compose(), "configs")).containsKeys("file-x", "file-x-2");
        assertThat(new LinkedHashMap<>(map(r.rendered().compose(), "configs", "file-x"))).containsEntry("content",
                "mine");
    }

    @Test
    void aMissingSourceThatLooksLikeAFileIsAWarningSayingDockerWouldMakeAFolder() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    volumes:\n"
                + "      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n", new MemoryFiles(),
                java.nio.file.Path.of("/mnt/tank/apps"));

        assertThat(r.ok()).isTrue();
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.format()).contains("warning",
                "'./nginx.conf' is not in stacks/app, so it is a data folder", "add it to the repository"));
    }
}
