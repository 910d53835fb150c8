package io.truenasgitops.reconcile;

/** Port: where the engine keeps its {@link PersistedState} between passes and across restarts. */
public interface StatusStore {

    /** The last saved state, or {@link PersistedState#empty()} when nothing was saved yet. */
    PersistedState load();

    /** Saves atomically: a crash leaves either the old or the new state, never half of one. */
    void save(PersistedState state);

    /** An in-memory store (CLI one-shot commands, tests). */
    static StatusStore inMemory() {
        return new StatusStore() {
            private volatile PersistedState state = PersistedState.empty();

            @Override
            public PersistedState load() {
                return state;
            }

            @Override
            public void save(PersistedState s) {
                state = s;
            }
        };
    }
}
