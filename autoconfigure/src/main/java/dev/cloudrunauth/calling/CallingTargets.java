package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The services that calls carry ID tokens to, matched against each request's URL.
 */
public final class CallingTargets {

	private final List<CallingTarget> targets;

	/**
	 * Create targets.
	 * @param targets the targets; where several match a request, the one with the longest
	 * path wins
	 */
	public CallingTargets(List<CallingTarget> targets) {
		Assert.notNull(targets, "targets cannot be null");
		this.targets = List.copyOf(targets);
	}

	/**
	 * Return the target a request URL is for.
	 * @param uri the request URL
	 * @return the target whose scheme, host and port equal the URL's and whose path the
	 * URL's path is under however a server resolves it (see {@link CallingTarget}), or
	 * {@code null} if there is none
	 */
	public @Nullable CallingTarget match(URI uri) {
		if (this.targets.isEmpty()) {
			return null;
		}
		String scheme = uri.getScheme();
		String host = uri.getHost();
		if (scheme == null || host == null) {
			return null;
		}
		int port = CallingTarget.effectivePort(scheme, uri.getPort());
		RequestPath path = null;
		CallingTarget match = null;
		for (CallingTarget target : this.targets) {
			if (target.sameOrigin(scheme, host, port)) {
				if (path == null) {
					path = RequestPath.of(uri.getRawPath());
				}
				if (target.covers(path) && (match == null || target.pathLength() > match.pathLength())) {
					match = target;
				}
			}
		}
		return match;
	}

	/**
	 * Return the targets.
	 * @return the targets
	 */
	public List<CallingTarget> asList() {
		return this.targets;
	}

	/**
	 * Return whether there are no targets.
	 * @return {@code true} if no request is a call to a target
	 */
	public boolean isEmpty() {
		return this.targets.isEmpty();
	}

	@Override
	public String toString() {
		return this.targets.toString();
	}

}
