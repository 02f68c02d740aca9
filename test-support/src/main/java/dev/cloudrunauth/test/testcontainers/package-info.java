/**
 * The Google identity emulator as a Testcontainers container, for
 * {@code @Container @ServiceConnection}.
 */
@NullMarked
package dev.cloudrunauth.test.testcontainers;

import org.jspecify.annotations.NullMarked;
