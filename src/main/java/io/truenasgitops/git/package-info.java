/**
 * The Git source: fetching the tracked branch with JGit, the credential and URL policy, the checkout the daemon
 * renders from, the last good revision, and the classification of Git failures into retryable or not.
 */
package io.truenasgitops.git;
