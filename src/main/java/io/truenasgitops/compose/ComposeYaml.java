package io.truenasgitops.compose;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/** Writes compose trees as block YAML for people ({@code render}, diffs). */
public final class ComposeYaml {

    private ComposeYaml() {}

    /** Block-style YAML, two-space indent, long lines kept whole; map order as given (canonical trees are sorted). */
    public static String dump(Object tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options);
        return tree == null ? "" : yaml.dump(tree);
    }
}
