/**
 * Health contributors and metrics of the calling and receiving sides, for Spring Boot Actuator and Micrometer.
 */
@NullMarked
package dev.cloudrunauth.actuate;

import org.jspecify.annotations.NullMarked;
