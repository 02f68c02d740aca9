package dev.cloudrunauth.receiving;

import java.util.ArrayList;
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
	 * each http(s) URL among the service's audiences. Default: the service's audiences.
	 */
	private List<String> audiences = new ArrayList<>();

	/**
	 * Callers allowed on these paths, as in allowed-callers. Default: the service's
	 * callers.
	 */
	private List<String> allowedCallers = new ArrayList<>();

	public @Nullable String getPattern() {
		return this.pattern;
	}

	public void setPattern(@Nullable String pattern) {
		this.pattern = pattern;
	}

	public List<String> getAudiences() {
		return this.audiences;
	}

	public void setAudiences(List<String> audiences) {
		this.audiences = audiences;
	}

	public List<String> getAllowedCallers() {
		return this.allowedCallers;
	}

	public void setAllowedCallers(List<String> allowedCallers) {
		this.allowedCallers = allowedCallers;
	}

}
