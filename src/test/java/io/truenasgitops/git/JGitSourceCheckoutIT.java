package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What lands on disk: links, executable bits, concurrent use of one state directory, compaction. */
class JGitSourceCheckoutIT {

    @TempDir
    Path tmp;

    TestRepo origin;
    Path state;

    @BeforeEach
    void createOrigin() throws Exception {
        origin = TestRepo.create(tmp.resolve("origin"));
        origin.write("stacks/web/compose.yaml", "services: {}\n");
        origin.commit("first");
        state = tmp.resolve("state");
    }

    @AfterEach
    void closeOrigin() {
        origin.close();
    }

    @Test
    void linksInsideTheRepositoryAreKeptAndLinksLeavingItAreNot() throws Exception {
        Files.createSymbolicLink(origin.dir.resolve("stacks/web/inside.yaml"), Path.of("compose.yaml"));
        Files.createSymbolicLink(origin.dir.resolve("stacks/web/passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(origin.dir.resolve("stacks/web/up"), Path.of("../../../outside"));
        Path script = origin.dir.resolve("stacks/web/hook.sh");
        Files.writeString(script, "#!/bin/sh\n");
        script.toFile().setExecutable(true);
        origin.commit("links");
        try (JGitSource source = new JGitSource(GitSettings.of(origin.url(), "main", "", state))) {
            Path web = source.fetch().root().resolve("stacks/web");
            assertThat(Files.isSymbolicLink(web.resolve("inside.yaml"))).isTrue();
            assertThat(web.resolve("inside.yaml")).hasContent("services: {}");
            assertThat(web.resolve("passwd")).doesNotExist();
            assertThat(Files.exists(web.resolve("up"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(Files.isExecutable(web.resolve("hook.sh"))).isTrue();
            assertThat(Files.isExecutable(web.resolve("compose.yaml"))).isFalse();
        }
    }

    @Test
    void sourcesSharingAStateDirectoryTakeTurns() throws Exception {
        String head = origin.git.getRepository().resolve("HEAD").name();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<JGitSource> sources = new ArrayList<>();
        try {
            List<Future<Snapshot>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JGitSource source = new JGitSource(GitSettings.of(origin.url(), "main", "", state));
                sources.add(source);
                results.add(pool.submit((Callable<Snapshot>) source::fetch));
            }
            for (Future<Snapshot> result : results) {
                Snapshot s = result.get();
                assertThat(s.revision()).isEqualTo(head);
                assertThat(s.root().resolve("stacks/web/compose.yaml")).hasContent("services: {}");
            }
        } finally {
            pool.shutdownNow();
            sources.forEach(JGitSource::close);
        }
        try (Stream<Path> leftovers = Files.list(state.resolve("checkouts"))) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly(head);
        }
    }

    @Test
    void manyFetchesArePackedTogetherAndTheCloneStaysUsable() throws Exception {
        try (JGitSource source = new JGitSource(GitSettings.of(origin.url(), "main", "", state), 3)) {
            source.fetch();
            String last = null;
            for (int i = 0; i < 4; i++) {
                origin.write("n.txt", i + "\n");
                last = origin.commit("change " + i);
                assertThat(source.fetch().revision()).isEqualTo(last);
            }
            assertThat(packCount()).isLessThan(3);
            origin.write("n.txt", "after\n");
            String after = origin.commit("after gc");
            Snapshot s = source.fetch();
            assertThat(s.revision()).isEqualTo(after);
            assertThat(s.root().resolve("n.txt")).hasContent("after");
        }
    }

    private long packCount() throws Exception {
        try (Stream<Path> files = Files.list(state.resolve("repo.git/objects/pack"))) {
            return files.filter(f -> f.toString().endsWith(".pack")).count();
        }
    }
}
