/**
 * Auto-configuration of health contributors and metrics.
 */
@NullMarked
package dev.cloudrunauth.actuate.autoconfigure;

import org.jspecify.annotations.NullMarked;
