/**
 * The daemon's REST API ({@code /api/v1}) and its webhook receivers: the documents every surface shows, bearer-token
 * access, and the OpenAPI description. Talks to the engine only through {@link io.truenasgitops.api.RunningEngine}.
 */
package io.truenasgitops.api;
