/**
 * Local stand-in for Google's identity endpoints: metadata server, OAuth token endpoint,
 * IAM Credentials and JWKS.
 */
@NullMarked
package dev.cloudrunauth.test.emulator;

import org.jspecify.annotations.NullMarked;
