package io.truenasgitops.stackcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.RepoScan;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackCacheTest {

    static final String WEB = """
            services:
              web:
                image: nginx:${TAG}
                env_file: [app.env]
                environment:
                  PASSWORD: ${DB_PASSWORD}
                  GREETING: ${GREETING}
            """;

    @TempDir
    Path tmp;

    Path repo;
    Path secrets;
    StacksOptions options;
    List<String> loaded;
    StackCache cache;

    @BeforeEach
    void setUp() throws IOException {
        repo = tmp.resolve("checkout-1");
        secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("DB_PASSWORD"), "first-password\n");
        write(repo, "stacks/web/compose.yaml", WEB);
        write(repo, "stacks/web/.env", "TAG=1.27\n");
        write(repo, "stacks/web/app.env", "MODE=one\n");
        write(repo, "stacks/web/stack.yaml", "variables:\n  GREETING: hello\n");
        write(repo, "stacks/db/compose.yaml", "services:\n  db:\n    image: postgres:17\n");
        options = new StacksOptions("stacks", secrets, null);
        loaded = new ArrayList<>();
        cache = new StackCache(options, (root, dir, opts, values) -> {
            loaded.add(dir.getFileName().toString());
            return StackRepository.load(root, dir, opts, values);
        });
    }

    static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    LoadedStack web(RepoScan scan) {
        return scan.stack("web").orElseThrow();
    }

    String webCompose(RepoScan scan) {
        assertThat(web(scan).isValid()).as("web: %s", web(scan).problems()).isTrue();
        return web(scan).rendered().compose().toString();
    }

    @Test
    void aSecondScanOfUnchangedStacksRendersNothing() {
        RepoScan first = cache.scan(repo);
        RepoScan second = cache.scan(repo);

        assertThat(loaded).containsExactly("db", "web");
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(web(second).rendered().hash()).isEqualTo(web(first).rendered().hash());
    }

    @Test
    void aCachedScanGivesWhatAFreshScanGives() {
        cache.scan(repo);
        RepoScan cached = cache.scan(repo);
        RepoScan fresh = StackRepository.scan(repo, options);

        assertThat(cached.stacks()).hasSize(fresh.stacks().size());
        for (LoadedStack s : fresh.stacks()) {
            LoadedStack c = cached.stack(s.name()).orElseThrow();
            assertThat(c.rendered().hash()).isEqualTo(s.rendered().hash());
            assertThat(c.rendered().compose()).isEqualTo(s.rendered().compose());
            assertThat(c.composeFile()).isEqualTo(s.composeFile());
            assertThat(c.problems()).isEqualTo(s.problems());
        }
    }

    @Test
    void aNewCheckoutWithTheSameContentRendersNothingAndPointsIntoTheNewCheckout() throws IOException {
        cache.scan(repo);
        Path next = tmp.resolve("checkout-2");
        copy(repo, next);
        write(next, "README.md", "a commit outside the stacks");
        loaded.clear();

        RepoScan scan = cache.scan(next);

        assertThat(loaded).isEmpty();
        assertThat(web(scan).composeFile()).isEqualTo(next.resolve("stacks/web/compose.yaml"));
    }

    @Test
    void aRotatedSecretRendersTheStackAgainWithTheNewValue() throws IOException {
        assertThat(webCompose(cache.scan(repo))).contains("first-password");
        Files.writeString(secrets.resolve("DB_PASSWORD"), "second-password\n");
        loaded.clear();

        String compose = webCompose(cache.scan(repo));

        assertThat(compose).contains("second-password").doesNotContain("first-password");
        assertThat(loaded).contains("web");
    }

    @Test
    void anEditedDotEnvRendersTheStackAgain() throws IOException {
        assertThat(webCompose(cache.scan(repo))).contains("nginx:1.27");
        write(repo, "stacks/web/.env", "TAG=1.28\n");
        loaded.clear();

        assertThat(webCompose(cache.scan(repo))).contains("nginx:1.28");
        assertThat(loaded).containsExactly("web");
    }

    @Test
    void anEditedEnvFileRendersTheStackAgain() throws IOException {
        assertThat(webCompose(cache.scan(repo))).contains("MODE=one", "one");
        write(repo, "stacks/web/app.env", "MODE=two\n");
        loaded.clear();

        assertThat(webCompose(cache.scan(repo))).contains("two").doesNotContain("MODE=one");
        assertThat(loaded).containsExactly("web");
    }

    @Test
    void anEditedStackYamlRendersTheStackAgain() throws IOException {
        assertThat(webCompose(cache.scan(repo))).contains("hello");
        write(repo, "stacks/web/stack.yaml", "variables:\n  GREETING: bonjour\n");
        loaded.clear();

        assertThat(webCompose(cache.scan(repo))).contains("bonjour").doesNotContain("hello");
        assertThat(loaded).containsExactly("web");
    }

    @Test
    void anEnvFileThatIsALinkIsFollowedIntoTheRepository() throws IOException {
        write(repo, "shared/app.env", "MODE=linked\n");
        Files.delete(repo.resolve("stacks/web/app.env"));
        Files.createSymbolicLink(repo.resolve("stacks/web/app.env"), Path.of("../../shared/app.env"));
        assertThat(webCompose(cache.scan(repo))).contains("linked");
        write(repo, "shared/app.env", "MODE=changed-behind-the-link\n");
        loaded.clear();

        assertThat(webCompose(cache.scan(repo))).contains("changed-behind-the-link");
        assertThat(loaded).containsExactly("web");
    }

    @Test
    void aLinkOutOfTheRepositoryIsNeverReadAndTheStackKeepsItsRefusal() throws IOException {
        Path outside = Files.writeString(tmp.resolve("outside.env"), "MODE=private-value\n");
        Files.delete(repo.resolve("stacks/web/app.env"));
        Files.createSymbolicLink(repo.resolve("stacks/web/app.env"), outside);
        RepoScan first = cache.scan(repo);
        assertThat(web(first).isValid()).isFalse();
        Files.writeString(outside, "MODE=another-private-value\n");
        loaded.clear();

        RepoScan second = cache.scan(repo);

        assertThat(loaded).as("the outside file is no input: it is never read").isEmpty();
        assertThat(web(second).problems()).isEqualTo(StackRepository.scan(repo, options).stack("web").orElseThrow()
                .problems());
        assertThat(web(second).problems().toString()).doesNotContain("private-value");
    }

    @Test
    void aFolderWithALinkToAFolderIsLoadedOnEveryScan() throws IOException {
        Files.createDirectories(repo.resolve("shared"));
        Files.createSymbolicLink(repo.resolve("stacks/db/conf"), Path.of("../../shared"));
        cache.scan(repo);
        loaded.clear();

        cache.scan(repo);

        assertThat(loaded).containsExactly("db");
    }

    @Test
    void aVanishedStackIsDroppedFromTheCache() throws IOException {
        cache.scan(repo);
        assertThat(cache.size()).isEqualTo(2);
        try (Stream<Path> s = Files.walk(repo.resolve("stacks/db"))) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }

        RepoScan scan = cache.scan(repo);

        assertThat(scan.stacks()).extracting(LoadedStack::name).containsExactly("web");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aStackWithErrorsIsCachedWithItsErrorsUntilFixed() throws IOException {
        write(repo, "stacks/db/compose.yaml", "services:\n  db:\n    image: [not, an, image]\n");
        RepoScan broken = cache.scan(repo);
        assertThat(broken.stack("db").orElseThrow().isValid()).isFalse();
        assertThat(cache.scan(repo).stack("db").orElseThrow().problems())
                .isEqualTo(broken.stack("db").orElseThrow().problems());
        write(repo, "stacks/db/compose.yaml", "services:\n  db:\n    image: postgres:17\n");

        assertThat(cache.scan(repo).stack("db").orElseThrow().isValid()).isTrue();
        assertThat(loaded).containsExactly("db", "web", "db");
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
