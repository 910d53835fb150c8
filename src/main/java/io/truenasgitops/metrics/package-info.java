/**
 * The Prometheus view of the engine through Micrometer: drift, pass outcomes, middleware calls and deliveries. A
 * thin adapter: it decides nothing.
 */
package io.truenasgitops.metrics;
