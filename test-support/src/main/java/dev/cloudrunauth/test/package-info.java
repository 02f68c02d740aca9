/**
 * Test helpers for services using cloudrun-auth.
 */
@NullMarked
package dev.cloudrunauth.test;

import org.jspecify.annotations.NullMarked;
