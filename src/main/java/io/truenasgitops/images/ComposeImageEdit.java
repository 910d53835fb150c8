package io.truenasgitops.images;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The {@code image:} scalars of a compose file, and the file with one of them changed and every other byte kept
 * (comments, quoting, key order, blank lines): an image update is a one-line diff a person can review (pure).
 */
public final class ComposeImageEdit {

    private ComposeImageEdit() {}

    /**
     * A service's {@code image:} as written.
     *
     * @param service the service name
     * @param image the scalar's value
     * @param line the 1-based line of the scalar
     * @param editable null when the scalar can be edited, else why not (it is shared through a YAML anchor, or it
     *     is a block scalar)
     */
    public record ServiceImage(String service, String image, int line, String editable, int start, int end,
            DumperOptions.ScalarStyle style) {
        /** Whether {@link #withImage} may change it. */
        public boolean isEditable() {
            return editable == null;
        }
    }

    /** A compose file that cannot be read for its images; the message says where. */
    public static final class UnreadableComposeException extends IllegalArgumentException {
        UnreadableComposeException(String message) {
            super(message);
        }
    }

    /** Every service's {@code image:} in file order; services without one are left out. */
    public static Map<String, ServiceImage> images(String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(100);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new UnreadableComposeException("the compose file is not valid YAML: " + e.getMessage());
        }
        Map<String, ServiceImage> out = new LinkedHashMap<>();
        if (!(root instanceof MappingNode top)) {
            return out;
        }
        Node services = value(top, "services");
        if (!(services instanceof MappingNode svcs)) {
            return out;
        }
        Map<Node, Integer> uses = new IdentityHashMap<>();
        List<NodeTuple> withImage = new ArrayList<>();
        for (NodeTuple t : svcs.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode && t.getValueNode() instanceof MappingNode svc) {
                Node image = value(svc, "image");
                if (image instanceof ScalarNode) {
                    uses.merge(image, 1, Integer::sum);
                    withImage.add(new NodeTuple(t.getKeyNode(), image));
                }
            }
        }
        for (NodeTuple t : withImage) {
            String service = ((ScalarNode) t.getKeyNode()).getValue();
            ScalarNode image = (ScalarNode) t.getValueNode();
            DumperOptions.ScalarStyle style = image.getScalarStyle();
            String why = uses.get(image) > 1 || image.getStartMark().getIndex() < t.getKeyNode().getStartMark().getIndex()
                    ? "its image comes from a YAML anchor shared with other services: write the image in each service"
                    : style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED
                            ? "its image is a block scalar (| or >): write it on one line" : null;
            int start = text.offsetByCodePoints(0, image.getStartMark().getIndex());
            int end = text.offsetByCodePoints(0, image.getEndMark().getIndex());
            out.put(service, new ServiceImage(service, image.getValue(), image.getStartMark().getLine() + 1, why, start,
                    end, style));
        }
        return out;
    }

    /** The text with the service's image replaced by {@code newImage}, written in the scalar's own quoting. */
    public static String withImage(String text, ServiceImage image, String newImage) {
        if (!image.isEditable()) {
            throw new IllegalArgumentException("service " + image.service() + ": " + image.editable());
        }
        String written = switch (image.style()) {
            case SINGLE_QUOTED -> "'" + newImage.replace("'", "''") + "'";
            case DOUBLE_QUOTED -> "\"" + newImage.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            default -> newImage;
        };
        return text.substring(0, image.start()) + written + text.substring(image.end());
    }

    private static Node value(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }
}
