package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Shows what TrueNAS knows about newer images ({@code image_updates_available} of {@code app.query}) on each stack,
 * and never acts on it: Git stays the source of truth, so a pass neither pulls nor redeploys because of it.
 *
 * <p>Each stack whose app reports the flag gets the condition {@link Condition#IMAGE_UPDATE_AVAILABLE} (True,
 * reason {@link Reasons#IMAGE_UPDATE_AVAILABLE}, the outdated images and how Git pins them in the message); once the
 * flag clears (the images were pulled on the NAS, or Git moved to another tag or digest) it turns False (reason
 * {@link Reasons#IMAGES_UP_TO_DATE}). Each change, and only a change, records an event of the same reason. A stopped
 * app, an unreachable NAS or one whose apps service is down tell nothing (TrueNAS reports no flag without running
 * containers): the condition stays as it was.
 *
 * <p>Split in two so that the only I/O ({@code app.outdated_docker_images}, once when a flag turns on) happens
 * outside the engine's state lock: {@link #observe}, then {@link #record}.
 */
final class ImageUpdateWatch {

    private static final Logger LOG = Logger.getLogger(ImageUpdateWatch.class);

    /** How Git references an image. */
    enum Pin {
        /** {@code image@sha256:...}: TrueNAS never reports a newer image for it. */
        DIGEST,
        /** A tag other than {@code latest}: reported when the registry re-pushed that tag. */
        TAG,
        /** No tag, or {@code latest}. */
        FLOATING
    }

    /**
     * What a pass saw of one stack's app.
     *
     * @param available whether TrueNAS reports newer images for it
     * @param images which ones ({@code app.outdated_docker_images}); empty when the NAS did not say
     */
    record Seen(boolean available, List<String> images) {
        Seen {
            images = List.copyOf(images);
        }
    }

    /**
     * Reads the flag of every desired stack's app on the targets that answered ({@code observed}), asking which
     * images only when a flag turns on. Stacks absent from the result tell nothing this pass.
     *
     * @param previous a stack's current status, or null
     */
    Map<String, Seen> observe(Collection<DesiredStack> stacks, Map<String, LiveApp> liveByKey, Set<String> observed,
            Map<String, AppsApi> targets, Function<String, StackStatus> previous) {
        Map<String, Seen> seen = new TreeMap<>();
        for (DesiredStack d : stacks) {
            if (!observed.contains(d.target())) {
                continue; // unreachable, or its apps service is down: nothing is known
            }
            LiveApp live = liveByKey.get(InventoryEntry.key(d.target(), d.name()));
            if (live == null) {
                seen.put(d.name(), new Seen(false, List.of()));
                continue;
            }
            if (live.state() == AppState.STOPPED || live.state() == AppState.STOPPING) {
                continue; // TrueNAS reports false without running containers: not a sign the images were pulled
            }
            if (!live.imageUpdatesAvailable()) {
                seen.put(d.name(), new Seen(false, List.of()));
                continue;
            }
            StackStatus prev = previous.apply(d.name());
            if (prev != null && prev.is(Condition.IMAGE_UPDATE_AVAILABLE)) {
                seen.put(d.name(), new Seen(true, List.of())); // known already: no new call
                continue;
            }
            seen.put(d.name(), new Seen(true, outdatedImages(targets.get(d.target()), d)));
        }
        return seen;
    }

    private static List<String> outdatedImages(AppsApi api, DesiredStack d) {
        if (api == null) {
            return List.of();
        }
        try {
            return api.outdatedImages(d.name());
        } catch (RuntimeException e) {
            // the flag is what matters; the list only makes the message precise
            LOG.debugf("%s: cannot list its outdated images on target '%s': %s", d.name(), d.target(), e.getMessage());
            return List.of();
        }
    }

    /**
     * Sets the condition of each stack {@code seen} says something about, recording an event for each change.
     *
     * @param statuses the engine's statuses, updated in place (call under the engine's state lock)
     * @param desired the stacks of the revision in use, by name (how Git pins their images)
     */
    void record(Map<String, StackStatus> statuses, Map<String, Seen> seen, Map<String, DesiredStack> desired,
            Instant now, String revision, Consumer<Event> events) {
        for (Map.Entry<String, Seen> e : seen.entrySet()) {
            StackStatus status = statuses.get(e.getKey());
            if (status == null) {
                continue;
            }
            boolean was = status.is(Condition.IMAGE_UPDATE_AVAILABLE);
            Seen s = e.getValue();
            if (s.available() == was) {
                continue; // unchanged (or never flagged): one event per change, not per pass
            }
            String stack = e.getKey();
            Condition c;
            if (s.available()) {
                String message = availableMessage(stack, s.images(), desired.get(stack));
                c = new Condition(Condition.IMAGE_UPDATE_AVAILABLE, Condition.Status.TRUE,
                        Reasons.IMAGE_UPDATE_AVAILABLE, message, now);
                LOG.infof("%s: %s", stack, message);
            } else {
                c = new Condition(Condition.IMAGE_UPDATE_AVAILABLE, Condition.Status.FALSE, Reasons.IMAGES_UP_TO_DATE,
                        "the images app '" + stack + "' runs are the newest under their tags again (pulled on the NAS,"
                                + " or Git moved to another tag or digest)", now);
                LOG.infof("%s: %s", stack, c.message());
            }
            statuses.put(stack, status.withCondition(c));
            events.accept(new Event(now, stack, Event.Type.NORMAL, c.reason(), c.message(), revision));
        }
    }

    /** The condition's message: which images, how Git pins them, and that nothing happens by itself. */
    static String availableMessage(String stack, List<String> outdated, DesiredStack desired) {
        Map<String, Pin> pins = pins(desired);
        List<String> described = new ArrayList<>();
        for (String image : outdated) {
            Pin pin = pins.getOrDefault(image, pin(image));
            described.add(image + " (" + switch (pin) {
                case TAG -> "pinned to a tag in Git: the registry re-pushed it";
                case FLOATING -> "a floating tag in Git";
                case DIGEST -> "pinned by digest in Git";
            } + ")");
        }
        String which = described.isEmpty() ? "for an image app '" + stack + "' runs"
                : "under the same tag for " + String.join(", ", described);
        return "the NAS reports a newer image " + which + "; Git stays the source of truth, so nothing is pulled or"
                + " redeployed: change the tag or digest in Git (Renovate can propose it), or pull the same tag again"
                + " with 'truenas-gitops apps pull " + stack + "'";
    }

    /** Every service image of the stack's compose as Git has it, with how it is pinned. */
    static Map<String, Pin> pins(DesiredStack desired) {
        Map<String, Pin> out = new LinkedHashMap<>();
        if (desired == null || desired.rendered() == null
                || !(desired.rendered().compose().get("services") instanceof Map<?, ?> services)) {
            return out;
        }
        for (Object service : services.values()) {
            if (service instanceof Map<?, ?> def && def.get("image") instanceof String image) {
                out.put(image, pin(image));
            }
        }
        return out;
    }

    /** How a compose {@code image:} reference is pinned. */
    static Pin pin(String image) {
        if (image.contains("@")) {
            return Pin.DIGEST;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return Pin.FLOATING;
        }
        return image.substring(colon + 1).equals("latest") ? Pin.FLOATING : Pin.TAG;
    }
}
