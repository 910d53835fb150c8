/**
 * The engine: a pass observes (Git and the NAS), plans (pure), applies through the middleware, gates on health, and
 * records each stack's status and history. {@code OutcomeMapper} is the one place that decides retry or stall.
 */
package io.truenasgitops.reconcile;
