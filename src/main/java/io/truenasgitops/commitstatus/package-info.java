/**
 * Commit statuses on the Git host (GitHub, GitLab, Gitea/Forgejo, Bitbucket): after each pass, per stack, the
 * state of the commit it applied, sent through the notification delivery lanes.
 */
package io.truenasgitops.commitstatus;
