package io.truenasgitops.compose;

/**
 * How much text variable interpolation may produce for one stack, and how deep templates may nest. Hostile or
 * mistaken templates ({@code ${A:-${A:-...}}} nested thousands deep, a {@code .env} whose lines double the line
 * before) are stopped here, before they exhaust the thread's stack or the heap, as an error of that stack alone.
 *
 * <p>One budget is shared by everything a stack expands: its {@code .env}, its {@code env_file}s and its compose
 * file. The bounds sit far above anything TrueNAS can take (a whole app travels in one message of at most 64 KiB).
 * Not thread-safe: one stack is rendered on one thread.
 */
public final class ExpansionBudget {

    /** Deepest nesting of templates inside defaults ({@code ${A:-${B:-...}}}). */
    public static final int MAX_NESTING = 32;
    /** Longest single value after interpolation, in characters: TrueNAS takes at most 64 KiB per message. */
    public static final int MAX_VALUE_CHARS = 64 * 1024;
    /** Most characters interpolation may produce for one stack, all files together. */
    public static final long MAX_STACK_CHARS = 4L * 1024 * 1024;

    private final long limit;
    private long used;

    private ExpansionBudget(long limit) {
        this.limit = limit;
    }

    /** A fresh budget for one stack. */
    public static ExpansionBudget perStack() {
        return new ExpansionBudget(MAX_STACK_CHARS);
    }

    /** The stack's budget is spent: nothing more of it is expanded (one problem, not one per value). */
    public static final class SpentException extends Interpolator.TemplateException {
        SpentException(String message) {
            super(message);
        }
    }

    /** Whether the budget is spent; callers stop expanding the stack's values. */
    public boolean isSpent() {
        return used > limit;
    }

    /** Characters produced so far. */
    public long used() {
        return used;
    }

    /**
     * Records {@code chars} more characters of expanded text.
     *
     * @throws SpentException when the stack's budget is spent
     */
    void spend(int chars) throws SpentException {
        used += chars;
        if (used > limit) {
            throw new SpentException("interpolation expands to more than " + limit
                    + " characters in this stack (variables that repeat other variables?): nothing of this stack is"
                    + " applied; make the values shorter");
        }
    }
}
