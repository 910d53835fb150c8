package io.truenasgitops.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deployment history of every stack: its applies, failed applies, prunes and rollbacks, oldest first, at most
 * {@link #PER_STACK} per stack. A failure repeated pass after pass (the same operation, revision and reason code) is
 * one entry whose {@code attempts} grows, so a stack retried for days keeps its earlier applies. What the engine
 * records is decided here ({@link #ofPass}), from the pass's typed outcome. Not thread-safe: the engine guards it.
 */
public final class StackHistory {

    /** Entries kept per stack; the oldest go first. */
    public static final int PER_STACK = 100;
    /** Stacks kept that are neither in Git nor on the NAS any more (their last entry is usually the prune). */
    static final int GONE_STACKS = 200;

    private final Map<String, List<HistoryEntry>> byStack = new TreeMap<>();

    /** A history holding {@code entries} (as persisted: per stack, oldest first). */
    public StackHistory(Map<String, List<HistoryEntry>> entries) {
        if (entries != null) {
            entries.forEach((stack, list) -> {
                if (list != null && !list.isEmpty()) {
                    List<HistoryEntry> copy = new ArrayList<>(list.stream().filter(Objects::nonNull).toList());
                    while (copy.size() > PER_STACK) {
                        copy.remove(0);
                    }
                    byStack.put(stack, copy);
                }
            });
        }
    }

    /** An empty history. */
    public static StackHistory empty() {
        return new StackHistory(Map.of());
    }

    /**
     * The entry a pass's action makes, or empty when it makes none: only actions that write (create, update, start,
     * stop, delete) are history; an action held back or with nothing to do is in the events and the status.
     *
     * @param previous the stack's status before this pass, or null
     * @param reason the reason the pass recorded for the stack (its status's)
     */
    static Optional<HistoryEntry> ofPass(Action action, Outcome outcome, StackStatus previous, Reason reason,
            String revision, TriggerReason trigger, Instant now) {
        return ofPass(action, outcome, previous, reason, revision, trigger, now, null);
    }

    /**
     * As above; {@code failed} is the stack's failed apply after the pass (null when none). An automatic rollback
     * ({@code onFailure: rollback}) makes an entry of the same shape as a person's {@code rollback}: operation
     * {@code rollback}, {@code revision} the one rolled back to, {@code fromRevision} the failing one it left; its
     * trigger (what asked for the pass) and reason ({@code ... (onFailure: rollback)}) say it was automatic.
     */
    static Optional<HistoryEntry> ofPass(Action action, Outcome outcome, StackStatus previous, Reason reason,
            String revision, TriggerReason trigger, Instant now, FailedApply failed) {
        HistoryEntry.Operation op = HistoryEntry.Operation.of(action.type());
        if (op == null || !action.writes()) {
            return Optional.empty();
        }
        HistoryEntry.Kind kind;
        if (outcome instanceof Outcome.Applied) {
            kind = HistoryEntry.Kind.APPLIED;
        } else if (outcome instanceof Outcome.Deleted) {
            kind = HistoryEntry.Kind.DELETED;
        } else if (outcome instanceof Outcome.Stalled stalled) {
            // onFailure: rollback turns a failed update into a stall that names what it did
            kind = switch (stalled.reason().code()) {
                case Reasons.ROLLED_BACK -> HistoryEntry.Kind.ROLLED_BACK;
                case Reasons.ROLLBACK_FAILED -> HistoryEntry.Kind.ROLLBACK_FAILED;
                default -> HistoryEntry.Kind.FAILED;
            };
        } else if (outcome instanceof Outcome.Transient) {
            kind = HistoryEntry.Kind.FAILED;
        } else {
            return Optional.empty();
        }
        String from = previous == null ? null : previous.lastAppliedRevision();
        if (kind == HistoryEntry.Kind.ROLLED_BACK || kind == HistoryEntry.Kind.ROLLBACK_FAILED) {
            String to = failed != null && failed.rolledBackTo() != null ? failed.rolledBackTo() : from;
            return Optional.of(new HistoryEntry(0, now, kind, HistoryEntry.Operation.ROLLBACK, to,
                    Objects.equals(to, revision) ? null : revision, reason, trigger, 1));
        }
        return Optional.of(new HistoryEntry(0, now, kind, op, revision, Objects.equals(from, revision) ? null : from,
                reason, trigger, 1));
    }

    /**
     * Adds an entry to its stack's history (its {@code id} is given here) and drops the oldest beyond
     * {@link #PER_STACK}; a failure like the newest entry is counted there instead.
     */
    public HistoryEntry record(String stack, HistoryEntry entry) {
        List<HistoryEntry> list = byStack.computeIfAbsent(stack, s -> new ArrayList<>());
        HistoryEntry last = list.isEmpty() ? null : list.get(list.size() - 1);
        if (last != null && sameFailure(last, entry)) {
            HistoryEntry merged = new HistoryEntry(last.id(), entry.time(), entry.kind(), entry.operation(),
                    entry.revision(), last.fromRevision(), entry.reason(), entry.trigger(), last.attempts() + 1);
            list.set(list.size() - 1, merged);
            return merged;
        }
        HistoryEntry numbered = entry.withId(last == null ? 1 : last.id() + 1);
        list.add(numbered);
        while (list.size() > PER_STACK) {
            list.remove(0);
        }
        return numbered;
    }

    private static boolean sameFailure(HistoryEntry a, HistoryEntry b) {
        return a.kind() == HistoryEntry.Kind.FAILED && b.kind() == HistoryEntry.Kind.FAILED
                && a.operation() == b.operation() && Objects.equals(a.revision(), b.revision())
                && a.reason() != null && b.reason() != null && Objects.equals(a.reason().code(), b.reason().code());
    }

    /** The newest entries of a stack first, at most {@code limit}. */
    public List<HistoryEntry> newestFirst(String stack, int limit) {
        List<HistoryEntry> list = byStack.getOrDefault(stack, List.of());
        List<HistoryEntry> out = new ArrayList<>();
        for (int i = list.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(list.get(i));
        }
        return out;
    }

    /** Whether the stack has any entry. */
    public boolean has(String stack) {
        return byStack.containsKey(stack);
    }

    /**
     * Forgets the stacks that are gone (neither in {@code known} nor recent): of those, only the
     * {@link #GONE_STACKS} with the newest entries are kept, so a repository that renames stacks often does not grow
     * the state file for ever.
     */
    void forgetGone(Set<String> known) {
        List<String> gone = byStack.keySet().stream().filter(s -> !known.contains(s))
                .sorted(Comparator.comparing((String s) -> lastTime(s)).reversed()).toList();
        gone.stream().skip(GONE_STACKS).forEach(byStack::remove);
    }

    private Instant lastTime(String stack) {
        List<HistoryEntry> list = byStack.get(stack);
        Instant t = list.get(list.size() - 1).time();
        return t == null ? Instant.EPOCH : t;
    }

    /** Every stack's entries, oldest first: what is persisted. */
    public Map<String, List<HistoryEntry>> asMap() {
        Map<String, List<HistoryEntry>> out = new LinkedHashMap<>();
        byStack.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }
}
