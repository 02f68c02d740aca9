/**
 * Calling side: Google-signed ID tokens for the audience of each call to a configured
 * target.
 */
@NullMarked
package dev.cloudrunauth.calling;

import org.jspecify.annotations.NullMarked;
