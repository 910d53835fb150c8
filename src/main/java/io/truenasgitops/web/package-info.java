/**
 * The daemon's read-only status page at {@code /}: server-rendered Qute pages over the same documents the REST
 * API answers with ({@link io.truenasgitops.api.V1}), live updates over server-sent events, and a "sync now"
 * button that calls the REST API with the API token. Follows the API's auth rules ({@link PageAccess}).
 */
package io.truenasgitops.web;
