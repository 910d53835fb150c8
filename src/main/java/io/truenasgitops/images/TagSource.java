package io.truenasgitops.images;

import java.util.List;

/** Where an image's tags come from: a registry ({@link RegistryClient}), or a fake in tests. */
public interface TagSource {

    /**
     * Every tag of the image's repository.
     *
     * @throws RegistryException saying which registry and repository failed and what to do
     */
    List<String> tags(ImageRef image) throws RegistryException;
}
