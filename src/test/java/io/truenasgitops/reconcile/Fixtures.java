package io.truenasgitops.reconcile;

import io.truenasgitops.compose.ComposeNormalizer;
import io.truenasgitops.compose.ContentHash;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.RenderedCompose;
import io.truenasgitops.compose.SecretMasker;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.StackSettings;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for stacks and compose documents used by the engine tests. */
final class Fixtures {
    private Fixtures() {}

    static Map<String, Object> compose(String image) {
        Map<String, Object> svc = new LinkedHashMap<>();
        svc.put("image", image);
        svc.put("restart", "unless-stopped");
        svc.put("ports", List.of("8080:80"));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("services", Map.of("app", svc));
        return c;
    }

    /** The same document with its keys in another order (what a YAML reformat turns into). */
    static Map<String, Object> reordered(String image) {
        Map<String, Object> svc = new LinkedHashMap<>();
        svc.put("ports", List.of("8080:80"));
        svc.put("restart", "unless-stopped");
        svc.put("image", image);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("services", Map.of("app", svc));
        return c;
    }

    static RenderedCompose rendered(Map<String, Object> compose) {
        Map<String, Object> n = ComposeNormalizer.normalize(compose);
        return new RenderedCompose(n, ContentHash.of(n), SecretMasker.NONE);
    }

    static StackSettings settings() {
        return StackSettings.defaults();
    }

    static SettingsBuilder with() {
        return new SettingsBuilder();
    }

    static LoadedStack stack(String name, Map<String, Object> compose) {
        return stack(name, compose, settings());
    }

    static LoadedStack stack(String name, Map<String, Object> compose, StackSettings s) {
        return new LoadedStack(name, "stacks/" + name, Path.of("stacks", name, "compose.yaml"), s, rendered(compose),
                List.of());
    }

    static LoadedStack invalid(String name, String message) {
        return new LoadedStack(name, "stacks/" + name, Path.of("stacks", name, "compose.yaml"), settings(), null,
                List.of(new Problem(Problem.Severity.ERROR, "stacks/" + name + "/compose.yaml", 3, 5,
                        "services.app.image", message)));
    }

    static DesiredStack desired(String name, Map<String, Object> compose, StackSettings s) {
        return DesiredStack.from(stack(name, compose, s));
    }

    /** Fluent stack.yaml settings. */
    static final class SettingsBuilder {
        boolean suspend;
        DesiredState state = DesiredState.RUNNING;
        boolean prune;
        boolean selfHeal;
        boolean adopt;
        List<String> dependsOn = List.of();
        Duration healthTimeout = Duration.ofMinutes(1);
        String target = "default";

        SettingsBuilder suspend() {
            suspend = true;
            return this;
        }

        SettingsBuilder stopped() {
            state = DesiredState.STOPPED;
            return this;
        }

        SettingsBuilder prune() {
            prune = true;
            return this;
        }

        SettingsBuilder selfHeal() {
            selfHeal = true;
            return this;
        }

        SettingsBuilder adopt() {
            adopt = true;
            return this;
        }

        SettingsBuilder dependsOn(String... deps) {
            dependsOn = List.of(deps);
            return this;
        }

        SettingsBuilder target(String t) {
            target = t;
            return this;
        }

        StackSettings build() {
            return new StackSettings(suspend, state, prune, selfHeal, adopt, dependsOn, healthTimeout, target, Map.of());
        }
    }
}
