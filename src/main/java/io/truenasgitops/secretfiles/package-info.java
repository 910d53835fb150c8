/**
 * Reading secret values from files (one file per value, as Docker and Kubernetes mount them) and comparing secrets
 * in constant time. Nothing here logs or returns a value in a message.
 */
package io.truenasgitops.secretfiles;
