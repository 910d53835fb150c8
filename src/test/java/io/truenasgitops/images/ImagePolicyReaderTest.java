package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.YamlLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePolicyReaderTest {

    private static List<Problem> problems(String yaml) {
        YamlLoader.Result loaded = YamlLoader.load(yaml, "stacks/web/stack.yaml");
        List<Problem> problems = new ArrayList<>();
        ImagePolicyReader.read(((Map<?, ?>) loaded.root()).get("imagePolicy"), loaded.sourceMap(), problems);
        return problems;
    }

    private static Map<String, ImagePolicy> policies(String yaml) {
        YamlLoader.Result loaded = YamlLoader.load(yaml, "stacks/web/stack.yaml");
        List<Problem> problems = new ArrayList<>();
        Map<String, ImagePolicy> out = ImagePolicyReader.read(((Map<?, ?>) loaded.root()).get("imagePolicy"),
                loaded.sourceMap(), problems);
        assertThat(problems).isEmpty();
        return out;
    }

    @Test
    void aPolicyWithoutServiceNamesCoversEveryService() {
        assertThat(policies("imagePolicy:\n  semver: ^1.4\n")).containsOnlyKeys(ImagePolicyReader.EVERY_SERVICE);
    }

    @Test
    void servicesHaveTheirOwnPolicies() {
        Map<String, ImagePolicy> p = policies("""
                imagePolicy:
                  web:
                    semver: "~1.25"
                  minio:
                    pattern: 'RELEASE\\.(?<version>.+)Z'
                    order: alphabetical
                """);
        assertThat(p).containsOnlyKeys("web", "minio");
        assertThat(p.get("minio").order()).isEqualTo(ImagePolicy.Order.ALPHABETICAL);
        assertThat(p.get("web").order()).isEqualTo(ImagePolicy.Order.SEMVER);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`imagePolicy:\n  semver: banana\n`                         | 2 | 'semver' is a version range such as ^1.4",
        "`imagePolicy:\n  web:\n    semver: ^1\n    sorting: x\n` | 4 | unknown setting 'sorting' in an image policy",
        "`imagePolicy:\n  pattern: \"(\"\n  order: numerical\n`     | 2 | 'pattern' is a regular expression",
        "`imagePolicy:\n  order: newest\n`                           | 2 | 'order' is alphabetical or numerical",
        "`imagePolicy:\n  semver: ^1\n  order: numerical\n`          | 3 | 'order' and 'semver' do not go together",
        "`imagePolicy:\n  web:\n    pattern: \"v.*\"\n`               | 2 | needs 'semver'",
        "`imagePolicy: ^1.4\n`                                        | 1 | 'imagePolicy' is a policy",
        "`imagePolicy:\n  web: ^1.4\n`                                | 2 | the image policy of service web is a mapping",
    })
    void aWrongPolicyIsAProblemAtItsLine(String yaml, int line, String message) {
        List<Problem> problems = problems(yaml.replace("\\n", "\n"));
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).line()).isEqualTo(line);
        assertThat(problems.get(0).message()).contains(message.strip());
        assertThat(problems.get(0).file()).isEqualTo("stacks/web/stack.yaml");
    }
}
