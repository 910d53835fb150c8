package io.truenasgitops.truenas;

import java.util.List;
import java.util.Optional;

/** The datasets of the NAS's pools ({@code pool.dataset.query}, role {@code DATASET_READ}). */
public interface PoolsApi {

    /** Every dataset, flat (children are listed on their own). */
    List<Dataset> datasets();

    /** The dataset of that name, or empty. */
    Optional<Dataset> dataset(String name);
}
