/**
 * Auto-configuration of the calling side.
 */
@NullMarked
package dev.cloudrunauth.calling.autoconfigure;

import org.jspecify.annotations.NullMarked;
