package io.truenasgitops.emulator;

/**
 * One area of middleware methods (logins, jobs, app reads, app jobs, ...). A new area is a class implementing
 * this, given the shared {@link NasState}, and one entry in {@link Middleware}'s list of areas.
 */
interface MethodArea {

    /** Registers this area's methods for {@code methods.release()} with {@code def} and {@code noAuth}. */
    void register(MethodRegistry.Registration methods);
}
