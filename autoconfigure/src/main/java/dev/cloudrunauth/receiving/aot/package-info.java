/**
 * Ahead-of-time hints for what the receiving side does reflectively.
 */
@NullMarked
package dev.cloudrunauth.receiving.aot;

import org.jspecify.annotations.NullMarked;
