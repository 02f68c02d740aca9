/**
 * Receiving side: verification of Google-signed ID tokens and authorization on the
 * caller's email.
 */
@NullMarked
package dev.cloudrunauth.receiving;

import org.jspecify.annotations.NullMarked;
