package io.truenasgitops.images;

import java.util.Collection;
import java.util.Optional;

/** Picks the tag an image should move to under its policy (pure). */
public final class TagChoice {

    private TagChoice() {}

    /** What the policy says about an image's current tag given the registry's tags. */
    public sealed interface Verdict {
        /** The current tag is the newest the policy allows. */
        record UpToDate(String tag) implements Verdict {}

        /** A newer allowed tag exists. */
        record Newer(String from, String to) implements Verdict {}

        /** No tag of the registry is allowed by the policy: nothing changes. */
        record NoneAllowed() implements Verdict {}
    }

    /**
     * The newest allowed tag when it is newer than {@code current}; a current tag the policy does not allow (such as
     * {@code latest}) is replaced by the newest allowed one. Never moves to an older tag than the current one.
     */
    public static Verdict decide(ImagePolicy policy, String current, Collection<String> tags) {
        Optional<String> newest = newest(policy, tags);
        if (newest.isEmpty()) {
            return new Verdict.NoneAllowed();
        }
        String to = newest.get();
        Optional<Comparable<Object>> currentKey = policy.key(current);
        if (to.equals(current) || currentKey.isPresent() && currentKey.get().compareTo(policy.key(to).orElseThrow()) >= 0) {
            return new Verdict.UpToDate(current);
        }
        return new Verdict.Newer(current, to);
    }

    /** The newest tag the policy allows, if any. */
    public static Optional<String> newest(ImagePolicy policy, Collection<String> tags) {
        String best = null;
        Comparable<Object> bestKey = null;
        for (String tag : tags) {
            Optional<Comparable<Object>> key = policy.key(tag);
            if (key.isPresent() && (bestKey == null || key.get().compareTo(bestKey) > 0)) {
                best = tag;
                bestKey = key.get();
            }
        }
        return Optional.ofNullable(best);
    }
}
