/**
 * Notifications: the state changes after each pass become messages to ntfy, Gotify, Discord, Slack, Matrix, email
 * or a webhook, delivered on their own threads with retries so that a slow receiver never delays a pass.
 */
package io.truenasgitops.notify;
