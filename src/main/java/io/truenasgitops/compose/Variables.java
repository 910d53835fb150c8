package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values {@code ${VAR}} can take in one stack, from layered sources; the first layer that has a name wins.
 * truenas-gitops orders them: secrets directory, the stack's {@code .env}, {@code stack.yaml variables}. The
 * process environment is deliberately not a source: what is deployed must follow from Git and the secrets dir.
 */
public final class Variables {

    /** One source of values. {@code secret} layers feed the {@link SecretMasker}. */
    public record Layer(String name, Map<String, String> values, boolean secret) {
        public Layer {
            values = Map.copyOf(new LinkedHashMap<>(values));
        }
    }

    /** A resolved variable and the layer it came from. */
    public record Value(String value, String layer, boolean secret) {}

    private final List<Layer> layers;

    private Variables(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    public static Variables of(List<Layer> layers) {
        return new Variables(layers);
    }

    public static Variables none() {
        return new Variables(List.of());
    }

    /** A builder adding layers from highest to lowest priority. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of {@code name}, from the first layer that defines it. */
    public Optional<Value> lookup(String name) {
        for (Layer l : layers) {
            String v = l.values().get(name);
            if (v != null) {
                return Optional.of(new Value(v, l.name(), l.secret()));
            }
        }
        return Optional.empty();
    }

    public List<Layer> layers() {
        return layers;
    }

    /** A masker for every value of every secret layer. */
    public SecretMasker masker() {
        List<String> secrets = new ArrayList<>();
        layers.stream().filter(Layer::secret).forEach(l -> secrets.addAll(l.values().values()));
        return SecretMasker.of(secrets);
    }

    /** Adds layers in priority order. */
    public static final class Builder {
        private final List<Layer> layers = new ArrayList<>();

        public Builder secrets(String name, Map<String, String> values) {
            layers.add(new Layer(name, values, true));
            return this;
        }

        public Builder plain(String name, Map<String, String> values) {
            layers.add(new Layer(name, values, false));
            return this;
        }

        public Variables build() {
            return new Variables(layers);
        }
    }
}
