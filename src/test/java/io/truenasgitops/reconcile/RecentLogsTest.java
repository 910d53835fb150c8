package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.SecretMasker;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.LogLine;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RecentLogsTest {

    /** A NAS whose app {@code web} has the given containers, each of which prints {@code printed} as its tail. */
    private static final class LogNas {
        final List<App.Container> containers;
        final Map<String, List<String>> printed;
        final AtomicInteger open = new AtomicInteger();
        final List<Integer> tailsAsked = new ArrayList<>();

        LogNas(List<App.Container> containers, Map<String, List<String>> printed) {
            this.containers = containers;
            this.printed = printed;
        }

        AppsApi api() {
            return (AppsApi) Proxy.newProxyInstance(AppsApi.class.getClassLoader(), new Class<?>[] {AppsApi.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "get" -> "web".equals(args[0])
                                ? Optional.of(new App("web", AppState.RUNNING, true, "1", containers, List.of(), Map.of(), null))
                                : Optional.empty();
                        case "followLogs" -> follow((String) args[1], (Integer) args[2], cast(args[3]));
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        @SuppressWarnings("unchecked")
        private static Consumer<LogLine> cast(Object o) {
            return (Consumer<LogLine>) o;
        }

        private AppsApi.LogStream follow(String id, Integer tail, Consumer<LogLine> onLine) {
            synchronized (tailsAsked) {
                tailsAsked.add(tail);
            }
            open.incrementAndGet();
            List<String> all = printed.getOrDefault(id, List.of());
            // as the middleware does: the last tail_lines lines at once, then whatever comes (here: nothing)
            all.subList(Math.max(0, all.size() - tail), all.size()).forEach(l -> onLine.accept(new LogLine(l + "\n", null)));
            return new AppsApi.LogStream() {
                @Override
                public void awaitEnd(Duration timeout) {
                }

                @Override
                public boolean isEnded() {
                    return false;
                }

                @Override
                public void close() {
                    open.decrementAndGet();
                }
            };
        }
    }

    @Test
    void theLastLinesOfEveryContainerAreReadWithTheStacksSecretsMaskedAndEveryStreamClosed() {
        String db = "0123456789abcdef0123";
        String web = "fedcba9876543210fedc";
        LogNas nas = new LogNas(List.of(new App.Container(web, "web", "nginx:1.27", "running"),
                new App.Container(db, "db", "postgres:16", "exited")), Map.of(
                web, List.of("one", "two", "three"),
                db, List.of("connecting to postgres://app:s3cret-pw@db/app", "FATAL: password s3cret-pw refused")));

        List<ContainerLog> logs = RecentLogs.of(nas.api(), "web", 2, SecretMasker.of(List.of("s3cret-pw"))::mask);

        assertThat(logs).extracting(ContainerLog::service).containsExactly("web", "db");
        assertThat(logs.get(0).lines()).containsExactly("two", "three");
        assertThat(logs.get(0).containerId()).isEqualTo("fedcba987654");
        assertThat(logs.get(1).lines()).containsExactly("connecting to postgres://app:***@db/app",
                "FATAL: password *** refused");
        assertThat(logs.get(1).state()).isEqualTo("exited");
        assertThat(nas.tailsAsked).containsExactly(2, 2);
        assertThat(nas.open.get()).as("streams left open").isZero();
    }

    @Test
    void aContainerThatPrintedLessThanAskedIsReadUntilItGoesQuiet() {
        String id = "aaaaaaaaaaaaaaaaaaaa";
        LogNas nas = new LogNas(List.of(new App.Container(id, "web", "nginx", "running")), Map.of(id, List.of("only line")));

        List<ContainerLog> logs = RecentLogs.of(nas.api(), "web", 50, s -> s);

        assertThat(logs).singleElement().satisfies(l -> assertThat(l.lines()).containsExactly("only line"));
        assertThat(nas.open.get()).isZero();
    }

    @Test
    void anAppNotOnTheNasHasNoLogs() {
        LogNas nas = new LogNas(List.of(), Map.of());
        assertThat(RecentLogs.of(nas.api(), "gone", 10, s -> s)).isEmpty();
    }

    @Test
    void atMostTenContainersAreRead() {
        List<App.Container> many = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            many.add(new App.Container(String.format("%020d", i), "s" + i, "busybox", "running"));
        }
        Map<String, List<String>> printed = new java.util.HashMap<>();
        many.forEach(c -> printed.put(c.id(), List.of("line")));
        LogNas nas = new LogNas(many, printed);

        assertThat(RecentLogs.of(nas.api(), "web", 1, s -> s)).hasSize(RecentLogs.CONTAINERS);
        assertThat(nas.tailsAsked).hasSize(RecentLogs.CONTAINERS);
    }
}
