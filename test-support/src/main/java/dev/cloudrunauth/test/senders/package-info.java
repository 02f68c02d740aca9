/**
 * Senders that call a URL as Google's own callers do (Pub/Sub push, Cloud Tasks, Cloud
 * Scheduler, Eventarc), with ID tokens from the emulator, for tests of receiving
 * services.
 */
@NullMarked
package dev.cloudrunauth.test.senders;

import org.jspecify.annotations.NullMarked;
