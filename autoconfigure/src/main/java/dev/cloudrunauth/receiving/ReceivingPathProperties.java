package dev.cloudrunauth.receiving;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Properties of one rule of {@code cloudrun.auth.receiving.paths}: requests whose path
 * matches its pattern are checked against its audiences and callers instead of the
 * service's.
 */
public class ReceivingPathProperties {

	/**
	 * Spring path pattern of the requests the rule applies to, within the application
	 * (without the context path), such as /events/pubsub.
	 */
	private @Nullable String pattern;

	/**
	 * Accepted audiences on these paths. An entry starting with '/' is resolved against
	 * each http(s) URL among the service's audiences. Left out, the service's audiences;
	 * set, never empty.
	 */
	private @Nullable List<String> audiences;

	/**
	 * Callers allowed on these paths, as in allowed-callers. Left out, the service's
	 * callers; set, never empty.
	 */
	private @Nullable List<String> allowedCallers;

	public @Nullable String getPattern() {
		return this.pattern;
	}

	public void setPattern(@Nullable String pattern) {
		this.pattern = pattern;
	}

	public @Nullable List<String> getAudiences() {
		return this.audiences;
	}

	public void setAudiences(@Nullable List<String> audiences) {
		this.audiences = audiences;
	}

	public @Nullable List<String> getAllowedCallers() {
		return this.allowedCallers;
	}

	public void setAllowedCallers(@Nullable List<String> allowedCallers) {
		this.allowedCallers = allowedCallers;
	}

}
