/**
 * Emulator-signed Google ID tokens on MockMvc and WebTestClient requests, verified by the
 * application's real decoder.
 */
@NullMarked
package dev.cloudrunauth.test.web;

import org.jspecify.annotations.NullMarked;
