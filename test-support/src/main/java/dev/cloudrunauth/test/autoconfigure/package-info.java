/**
 * {@link dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity}: an emulator of
 * Google's identity endpoints for a Spring Boot test's application context.
 */
@NullMarked
package dev.cloudrunauth.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
