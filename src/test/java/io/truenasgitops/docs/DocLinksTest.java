package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walked docs point at files and sections that exist: relative links (and their {@code #anchor}, as GitHub
 * makes it from a heading) and the repository paths they name in code spans.
 */
class DocLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Code spans naming a file of this repository: deploy/..., docs/..., a Dockerfile, stacks-example/. */
    private static final Pattern REPO_PATH = Pattern.compile("`((?:deploy|docs|stacks-example|src)/[^`\\s*]*|Dockerfile)`");

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "docs/getting-started.md"})
    void everyRelativeLinkAndNamedRepositoryFileExists(String doc) throws IOException {
        Path file = Path.of(doc).toAbsolutePath();
        String text = Files.readString(file);
        List<String> broken = new ArrayList<>();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            String target = link.group(1);
            if (target.matches("^[a-z]+:.*")) {
                continue; // https:, mailto:
            }
            String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
            String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
            Path linked = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
            if (!Files.exists(linked)) {
                broken.add(target + ": no such file");
            } else if (anchor != null && !anchors(linked).contains(anchor)) {
                broken.add(target + ": no heading makes #" + anchor + " in " + linked.getFileName());
            }
        }
        Matcher named = REPO_PATH.matcher(text);
        while (named.find()) {
            if (!Files.exists(Path.of(named.group(1)))) {
                broken.add("`" + named.group(1) + "`: no such file in the repository");
            }
        }
        assertThat(broken).as(doc).isEmpty();
    }

    /** GitHub's heading anchors: lower-case, punctuation dropped, spaces to dashes. */
    private static List<String> anchors(Path markdown) throws IOException {
        return Files.readAllLines(markdown).stream().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .toList();
    }
}
