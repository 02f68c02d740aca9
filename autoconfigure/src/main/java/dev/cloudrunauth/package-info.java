/**
 * What the calling and receiving sides share: the connection to Google's identity
 * endpoints, for service connections.
 */
@NullMarked
package dev.cloudrunauth;

import org.jspecify.annotations.NullMarked;
