package io.truenasgitops.truenas;

/** Receives the progress of a job while a caller waits for it (percent and description change). */
@FunctionalInterface
public interface JobListener {
    /** Called on every progress or state change of the awaited job, on a client thread; keep it quick. */
    void onUpdate(Job job);

    /** A listener that ignores every update. */
    JobListener NONE = job -> {};
}
