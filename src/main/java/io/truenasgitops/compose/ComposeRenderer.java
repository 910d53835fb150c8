package io.truenasgitops.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The compose pipeline for one stack: load YAML and interpolate it (the main file, its overrides, includes and
 * extends merged into one document: {@link ComposeProject}), drop services behind a profile, deliver the files it
 * binds as configs, validate for TrueNAS and against the Compose
 * Specification schema, inline env files, normalise, hash, check the message size. Pure apart from reading env files from the stack folder.
 */
public final class ComposeRenderer {

    private ComposeRenderer() {}

    /** Stand-in stamp values used to size the payload: as long as real ones usually are. */
    static final Stamp SIZING_STAMP = new Stamp("https://git.example.com/some-organisation/some-repository.git",
            "stacks/" + "x".repeat(40), "0".repeat(40), "0".repeat(64));

    /**
     * What to render.
     *
     * @param appName the TrueNAS app name (the stack folder's name)
     * @param composeText the compose file's content
     * @param composeFile the compose file as shown in problems ({@code stacks/web/compose.yaml})
     * @param stackDir the stack folder on disk (env files are read from it); may be null when there is none
     * @param displayDir the stack folder as shown in problems ({@code stacks/web})
     * @param variables interpolation values
     * @param hostBasePath when set, relative bind mounts are rewritten under {@code <hostBasePath>/<app>/}
     * @param repoRoot files read for the stack (env files) must be inside it, links resolved
     * @param budget the stack's interpolation budget, shared with its {@code .env}
     * @param envFiles opens env files (decrypting SOPS ones)
     * @param files the stack folder's files that relative bind mounts, {@code configs.*.file} and
     *     {@code secrets.*.file} name, delivered in the compose ({@link FileMounts}); {@link StackFiles#NONE} for none;
     *     also what the project's other compose files are read from
     * @param overrides compose files merged onto the main one, in order, relative to the stack folder
     *     ({@code compose.override.yaml})
     */
    public record Request(String appName, String composeText, String composeFile, Path stackDir, String displayDir,
            Variables variables, Path hostBasePath, Path repoRoot, ExpansionBudget budget, EnvFileReader envFiles,
            StackFiles files, List<String> overrides) {

        public Request {
            envFiles = envFiles == null ? EnvFileReader.PLAIN : envFiles;
            files = files == null ? StackFiles.NONE : files;
            overrides = overrides == null ? List.of() : List.copyOf(overrides);
        }

        /** A request of one main compose file (with what it includes and extends). */
        public Request(String appName, String composeText, String composeFile, Path stackDir, String displayDir,
                Variables variables, Path hostBasePath, Path repoRoot, ExpansionBudget budget,
                EnvFileReader envFiles, StackFiles files) {
            this(appName, composeText, composeFile, stackDir, displayDir, variables, hostBasePath, repoRoot, budget,
                    envFiles, files, List.of());
        }

        /** A request that delivers no files from the stack folder. */
        public Request(String appName, String composeText, String composeFile, Path stackDir, String displayDir,
                Variables variables, Path hostBasePath, Path repoRoot, ExpansionBudget budget,
                EnvFileReader envFiles) {
            this(appName, composeText, composeFile, stackDir, displayDir, variables, hostBasePath, repoRoot, budget,
                    envFiles, StackFiles.NONE);
        }

        /** A request whose env files are all plain dotenv files. */
        public Request(String appName, String composeText, String composeFile, Path stackDir, String displayDir,
                Variables variables, Path hostBasePath, Path repoRoot, ExpansionBudget budget) {
            this(appName, composeText, composeFile, stackDir, displayDir, variables, hostBasePath, repoRoot, budget,
                    EnvFileReader.PLAIN);
        }

        /** A request whose files must stay inside the stack folder, with a budget of its own. */
        public Request(String appName, String composeText, String composeFile, Path stackDir, String displayDir,
                Variables variables, Path hostBasePath) {
            this(appName, composeText, composeFile, stackDir, displayDir, variables, hostBasePath, stackDir,
                    ExpansionBudget.perStack());
        }
    }

    /**
     * The rendered compose (null when there are errors), every problem (secrets masked) and the compose files the
     * project was made of (main first, as shown in problems).
     */
    public record Result(RenderedCompose rendered, List<Problem> problems, List<String> files) {
        public Result {
            files = files == null ? List.of() : List.copyOf(files);
        }

        /** A result of a single compose file. */
        public Result(RenderedCompose rendered, List<Problem> problems) {
            this(rendered, problems, List.of());
        }

        public boolean ok() {
            return rendered != null;
        }
    }

    public static Result render(Request request) {
        SecretMasker masker = request.variables().masker();
        List<Problem> problems = new ArrayList<>();
        // Several files (overrides, include, extends) become the one document TrueNAS receives.
        ComposeProject.Result project = ComposeProject.load(new ComposeProject.Request(request.composeText(),
                request.composeFile(), request.overrides(), request.displayDir(), request.variables(),
                request.budget(), request.files()));
        problems.addAll(project.problems());
        if (project.tree() == null) {
            return done(null, problems, masker, project.files());
        }
        SourceMap sm = project.sourceMap();
        // Services behind a profile are not started by 'docker compose up' without '--profile': not part of the app.
        Profiles.Result profiled = Profiles.apply(project.tree(), Set.of(), sm);
        problems.addAll(profiled.problems());
        // Files beside the compose travel inside it, as configs: TrueNAS receives nothing else. Their content is
        // not interpolated (compose reads a file: as it is); escapeDollars below keeps it so on the NAS.
        FileMounts.Result delivered = FileMounts.apply(profiled.tree(), sm, request.files(),
                request.displayDir());
        problems.addAll(delivered.problems());
        masker = masker.and(SecretMasker.of(delivered.secretValues()));
        TrueNasValidator.Result validated = TrueNasValidator.validate(delivered.tree(), sm,
                new TrueNasValidator.Options(request.appName(), request.hostBasePath(), delivered.delivered()));
        problems.addAll(validated.problems());
        if (validated.compose() == null) {
            return done(null, problems, masker, project.files());
        }
        DataFolders.Result folders = DataFolders.derive(validated.compose(), validated.rewritten(), sm);
        problems.addAll(folders.problems());
        // docker compose checks the Compose Specification schema first; the TrueNAS checks above say more where
        // both object to the same thing, so the schema adds nothing there.
        Set<String> reported = new HashSet<>();
        validated.problems().stream().filter(Problem::isError).forEach(p -> reported.add(p.path()));
        @SuppressWarnings("unchecked")
        Map<String, Object> interpolatedTree = (Map<String, Object>) delivered.tree();
        List<Problem> schemaProblems = ComposeSchema.validate(interpolatedTree, sm, reported);
        problems.addAll(schemaProblems);
        // Values the schema lets through but compose refuses while reading them (ports, sizes, durations).
        schemaProblems.stream().filter(Problem::isError).forEach(p -> reported.add(p.path()));
        problems.addAll(ComposeValues.check(interpolatedTree, sm, reported));
        Map<String, Object> compose = FileMounts.strip(validated.compose(), delivered.delivered());
        if (request.stackDir() != null) {
            Function<String, Optional<String>> lookup = name -> request.variables().lookup(name).map(Variables.Value::value);
            EnvFileInliner.Result inlined = EnvFileInliner.inline(compose, request.stackDir(),
                    request.repoRoot() == null ? request.stackDir() : request.repoRoot(),
                    request.displayDir() == null ? "" : request.displayDir(), sm, lookup, request.budget(),
                    request.envFiles());
            // Values from encrypted env files are secrets from here on: in problems, diffs and logs.
            masker = masker.and(SecretMasker.of(inlined.secretValues()));
            problems.addAll(inlined.problems());
            compose = inlined.compose();
        }
        if (problems.stream().anyMatch(Problem::isError)) {
            return done(null, problems, masker, project.files());
        }
        // docker compose on the NAS interpolates the document again: every '$' left after our interpolation is
        // a literal and must reach it as '$$'.
        @SuppressWarnings("unchecked")
        Map<String, Object> escaped = (Map<String, Object>) escapeDollars(compose);
        Map<String, Object> normalized = ComposeNormalizer.normalize(escaped);
        String hash = ContentHash.of(normalized);
        Stamp sizing = new Stamp(SIZING_STAMP.source(), SIZING_STAMP.path(), SIZING_STAMP.revision(),
                SIZING_STAMP.hash(), SecretPaths.of(normalized, masker));
        int size = Payload.bytes(request.appName(), Stamps.apply(normalized, sizing));
        if (size > Payload.MAX_BYTES) {
            problems.add(new Problem(Problem.Severity.ERROR, request.composeFile(), 0, 0, "",
                    "the rendered app.update message is " + size + " bytes (" + (size + 1023) / 1024 + " KiB); TrueNAS"
                    + " closes connections on messages over 64 KiB and " + Payload.MARGIN + " bytes are kept for the"
                    + " envelope, so at most " + Payload.MAX_BYTES + " fit: split the stack into several apps or move"
                    + " long inline content into the image"));
            return done(null, problems, masker, project.files());
        }
        return done(new RenderedCompose(normalized, hash, masker, folders.folders()), problems, masker, project.files());
    }

    /** A copy of a tree with {@code $} doubled in every string value (keys are not interpolated by compose). */
    public static Object escapeDollars(Object tree) {
        if (tree instanceof String s) {
            return s.replace("$", "$$");
        }
        if (tree instanceof Map<?, ?> map) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), escapeDollars(v)));
            return out;
        }
        if (tree instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(escapeDollars(v)));
            return out;
        }
        return tree;
    }

    private static Result done(RenderedCompose rendered, List<Problem> problems, SecretMasker masker,
            List<String> files) {
        // Secret values must never reach a problem message, whatever check produced it; duplicates are dropped.
        LinkedHashSet<Problem> masked = new LinkedHashSet<>();
        for (Problem p : problems) {
            masked.add(new Problem(p.severity(), p.file(), p.line(), p.column(), masker.mask(p.path()),
                    masker.mask(p.message())));
        }
        return new Result(rendered, List.copyOf(masked), files);
    }
}
