/**
 * Auto-configuration of the receiving side.
 */
@NullMarked
package dev.cloudrunauth.receiving.autoconfigure;

import org.jspecify.annotations.NullMarked;
