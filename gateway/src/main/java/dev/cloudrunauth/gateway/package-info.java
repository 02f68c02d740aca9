/**
 * Spring Cloud Gateway (server-webmvc and server-webflux): routed requests carry the
 * gateway's ID token for their target.
 */
@NullMarked
package dev.cloudrunauth.gateway;

import org.jspecify.annotations.NullMarked;
