package io.truenasgitops.images;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.SourceMap;
import io.truenasgitops.compose.YamlLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the image updates a repository's {@code imagePolicy:} settings allow: for each stack, each service with a
 * policy (its own, or the stack's for every service), the registry's tags are listed and the newest allowed one is
 * compared with the tag the compose file writes. Nothing is written here: {@link #apply} gives the new compose text
 * and the caller writes it (and commits it), so that Git stays the only source of what runs.
 */
public final class ImageUpdates {

    private ImageUpdates() {}

    /**
     * A stack's files as the repository has them.
     *
     * @param stack the stack's name
     * @param composeFile the compose file's path as shown to people (relative to the repository)
     * @param composeText its text
     * @param stackYamlFile the stack.yaml's path as shown, or null when there is none
     * @param stackYamlText its text, or null
     */
    public record StackInput(String stack, String composeFile, String composeText, String stackYamlFile,
            String stackYamlText) {}

    /** What was found for one service with a policy. */
    public sealed interface Finding {
        String stack();

        String service();

        /** A newer allowed tag: the compose file can move to it. */
        record Update(String stack, String service, String composeFile, int line, String image, String from, String to,
                ImagePolicy policy, ComposeImageEdit.ServiceImage scalar) implements Finding {
            /** The image with the new tag (registry and repository as written). */
            public String newImage() {
                int colon = image.lastIndexOf(':');
                String base = colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
                return base + ":" + to;
            }
        }

        /** The compose file already has the newest allowed tag. */
        record UpToDate(String stack, String service, String image, String tag) implements Finding {}

        /** Nothing changes for this service, and why (no allowed tag, an image from a variable, a registry error). */
        record Skipped(String stack, String service, String reason, boolean failure) implements Finding {}
    }

    /** The findings of every stack, plus the problems of stack.yaml files that could not be read. */
    public record Result(List<Finding> findings, List<Problem> problems) {
        public Result {
            findings = List.copyOf(findings);
            problems = List.copyOf(problems);
        }

        /** The updates only. */
        public List<Finding.Update> updates() {
            return findings.stream().filter(f -> f instanceof Finding.Update).map(f -> (Finding.Update) f).toList();
        }

        /** Whether a registry or a file failed (the others were still looked at). */
        public boolean hasFailures() {
            return !problems.isEmpty() || findings.stream().anyMatch(f -> f instanceof Finding.Skipped s && s.failure());
        }
    }

    /** Looks at every stack; a registry is asked once per repository even when several services use it. */
    public static Result find(List<StackInput> stacks, TagSource registry) {
        List<Finding> findings = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Object> tagCache = new LinkedHashMap<>();
        for (StackInput s : stacks) {
            if (s.stackYamlText() == null) {
                continue;
            }
            YamlLoader.Result loaded = YamlLoader.load(s.stackYamlText(), s.stackYamlFile());
            if (!loaded.ok() || !(loaded.root() instanceof Map<?, ?> root)) {
                problems.addAll(loaded.problems());
                continue;
            }
            SourceMap sm = loaded.sourceMap();
            List<Problem> policyProblems = new ArrayList<>();
            Map<String, ImagePolicy> policies = ImagePolicyReader.read(root.get("imagePolicy"), sm, policyProblems);
            if (!policyProblems.isEmpty()) {
                problems.addAll(policyProblems);
                continue;
            }
            if (policies.isEmpty()) {
                continue;
            }
            Map<String, ComposeImageEdit.ServiceImage> images;
            try {
                images = ComposeImageEdit.images(s.composeText());
            } catch (ComposeImageEdit.UnreadableComposeException e) {
                problems.add(new Problem(Problem.Severity.ERROR, s.composeFile(), 0, 0, "", e.getMessage()));
                continue;
            }
            for (String named : policies.keySet()) {
                if (!named.equals(ImagePolicyReader.EVERY_SERVICE) && !images.containsKey(named)) {
                    problems.add(sm.error(SourceMap.child("imagePolicy", named), "'imagePolicy' names service " + named
                            + ", which has no image: in " + s.composeFile() + " (services with one: "
                            + String.join(", ", images.keySet()) + ")"));
                }
            }
            for (ComposeImageEdit.ServiceImage img : images.values()) {
                ImagePolicy policy = policies.getOrDefault(img.service(), policies.get(ImagePolicyReader.EVERY_SERVICE));
                if (policy != null) {
                    findings.add(one(s, img, policy, registry, tagCache));
                }
            }
        }
        return new Result(findings, problems);
    }

    private static Finding one(StackInput s, ComposeImageEdit.ServiceImage img, ImagePolicy policy, TagSource registry,
            Map<String, Object> tagCache) {
        String where = s.composeFile() + ":" + img.line();
        if (img.image().contains("$")) {
            return new Finding.Skipped(s.stack(), img.service(), where + ": the image comes from a variable ("
                    + img.image() + "): write the tag in the compose file for the policy to move it", false);
        }
        if (!img.isEditable()) {
            return new Finding.Skipped(s.stack(), img.service(), where + ": " + img.editable(), false);
        }
        var parsed = ImageRef.parse(img.image());
        if (parsed.isEmpty()) {
            return new Finding.Skipped(s.stack(), img.service(), where + ": '" + img.image()
                    + "' is not an image reference", true);
        }
        ImageRef ref = parsed.get();
        if (ref.digest() != null) {
            return new Finding.Skipped(s.stack(), img.service(), where + ": " + img.image() + " is pinned to a digest;"
                    + " a policy moves tags only: write the image without @sha256:… to let it", false);
        }
        String key = ref.registry() + "/" + ref.repository();
        Object tags = tagCache.computeIfAbsent(key, k -> {
            try {
                return registry.tags(ref);
            } catch (RegistryException e) {
                return e;
            }
        });
        if (tags instanceof RegistryException e) {
            return new Finding.Skipped(s.stack(), img.service(), e.getMessage(), true);
        }
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) tags;
        String current = ref.tagOrLatest();
        TagChoice.Verdict verdict = TagChoice.decide(policy, current, list);
        if (verdict instanceof TagChoice.Verdict.Newer n) {
            return new Finding.Update(s.stack(), img.service(), s.composeFile(), img.line(), img.image(), current,
                    n.to(), policy, img);
        }
        if (verdict instanceof TagChoice.Verdict.UpToDate) {
            return new Finding.UpToDate(s.stack(), img.service(), img.image(), current);
        }
        return new Finding.Skipped(s.stack(), img.service(), "no tag of " + key + " is allowed by its policy ("
                + policy + "; " + list.size() + " tags listed): nothing changes", false);
    }

    /**
     * The compose text with the updates of one file applied, each one scalar, in one pass from the end so that
     * earlier offsets stay right.
     */
    public static String apply(String composeText, List<Finding.Update> updatesOfThisFile) {
        List<Finding.Update> sorted = new ArrayList<>(updatesOfThisFile);
        sorted.sort((a, b) -> Integer.compare(b.scalar().start(), a.scalar().start()));
        String text = composeText;
        for (Finding.Update u : sorted) {
            text = ComposeImageEdit.withImage(text, u.scalar(), u.newImage());
        }
        return text;
    }

    /**
     * The commit message of some updates: the subject names the one update or counts them, the body has one line
     * per image with its old and new reference and the policy that chose it.
     */
    public static String commitMessage(List<Finding.Update> updates) {
        StringBuilder m = new StringBuilder();
        if (updates.size() == 1) {
            Finding.Update u = updates.get(0);
            m.append("images: ").append(u.stack()).append("/").append(u.service()).append(" ").append(u.from())
                    .append(" -> ").append(u.to()).append("\n\n");
        } else {
            m.append("images: update ").append(updates.size()).append(" images\n\n");
        }
        for (Finding.Update u : updates) {
            m.append("- ").append(u.stack()).append("/").append(u.service()).append(": ").append(u.image())
                    .append(" -> ").append(u.newImage()).append(" (").append(u.policy()).append(")\n");
        }
        m.append("\nMade by truenas-gitops images update.");
        return m.toString();
    }
}
