package io.truenasgitops.git;

import java.util.Optional;

/** TEMPORARY stand-in until branch git is merged (replaced by theirs). */
public interface GitSource {
    Snapshot fetch();

    Optional<Snapshot> lastGood();

    String describe();
}
