package dev.cloudrunauth.calling;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A service that calls are authenticated to: requests with its URL's scheme, host and
 * port, and a path under its URL's path however a server resolves dot segments, encoded
 * dots, {@code ;} parameters and repeated slashes (and without an encoded slash or
 * backslash, unless the URL has no path), carry an ID token for its audience. A
 * {@code grpc} URL ({@code grpc://host[:port][/package.Service]}, port 443 unless given)
 * names a target of gRPC calls only: HTTP requests never match it, and gRPC calls match
 * it over TLS, or without TLS to a loopback address.
 */
public final class CallingTarget {

	private static final String TRAFFIC_TAG_SEPARATOR = "---";

	/**
	 * The scheme of targets that only gRPC calls match.
	 */
	static final String GRPC = "grpc";

	private final String name;

	private final URI url;

	private final String audience;

	private final IdTokenHeader header;

	private final @Nullable String identity;

	private final String scheme;

	private final String host;

	private final int port;

	private final String path;

	private final AtomicBoolean ownXServerlessAuthorizationSeen = new AtomicBoolean();

	/**
	 * Create a target.
	 * @param name a name for messages
	 * @param url an absolute {@code http}, {@code https} or {@code grpc} URL without
	 * query or fragment
	 * @param audience the audience of its tokens
	 * @param header the header that carries them
	 */
	public CallingTarget(String name, URI url, String audience, IdTokenHeader header) {
		this(name, url, audience, header, null);
	}

	/**
	 * Create a target whose tokens are minted as its own service account.
	 * @param name a name for messages
	 * @param url an absolute {@code http}, {@code https} or {@code grpc} URL without
	 * query or fragment
	 * @param audience the audience of its tokens
	 * @param header the header that carries them
	 * @param identity the service account impersonated to mint its tokens, or
	 * {@code null} for the token source's own identity
	 */
	CallingTarget(String name, URI url, String audience, IdTokenHeader header, @Nullable String identity) {
		Assert.hasText(name, "name cannot be empty");
		Assert.notNull(url, "url cannot be null");
		Assert.hasText(audience, "audience cannot be empty");
		Assert.notNull(header, "header cannot be null");
		String problem = problemWith(url);
		Assert.isTrue(problem == null, () -> "url " + url + " " + problem);
		this.name = name;
		this.url = url;
		this.audience = audience;
		this.header = header;
		this.identity = identity;
		this.scheme = url.getScheme().toLowerCase(Locale.ROOT);
		this.host = url.getHost().toLowerCase(Locale.ROOT);
		this.port = effectivePort(this.scheme, url.getPort());
		this.path = withoutTrailingSlash(url.normalize().getRawPath());
	}

	/**
	 * Return the default audience for a URL: its scheme, host and, unless it is the
	 * scheme's default, port. For a Cloud Run traffic tag URL
	 * ({@code https://TAG---SERVICE-...run.app}) the tag is dropped, because the audience
	 * stays the service's URL when a tag is called. A {@code grpc} URL's audience is its
	 * {@code https} origin, the URL of the Cloud Run service that serves the calls.
	 * @param url the target URL
	 * @return {@code scheme://host[:port]}
	 */
	public static String defaultAudience(URI url) {
		String problem = problemWith(url);
		Assert.isTrue(problem == null, () -> "url " + url + " " + problem);
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		if (scheme.equals(GRPC)) {
			scheme = "https";
		}
		String host = url.getHost().toLowerCase(Locale.ROOT);
		int tag = host.indexOf(TRAFFIC_TAG_SEPARATOR);
		if (host.endsWith(".run.app") && tag > 0) {
			host = host.substring(tag + TRAFFIC_TAG_SEPARATOR.length());
		}
		int port = url.getPort();
		boolean defaultPort = port == -1 || port == effectivePort(scheme, -1);
		return scheme + "://" + host + (defaultPort ? "" : ":" + port);
	}

	/**
	 * Return what makes a URL unusable as a target URL.
	 * @param url the URL
	 * @return a description of the problem, or {@code null} if the URL can be a target
	 */
	public static @Nullable String problemWith(URI url) {
		if (!url.isAbsolute() || url.getScheme() == null || !(url.getScheme().equalsIgnoreCase("https")
				|| url.getScheme().equalsIgnoreCase("http") || url.getScheme().equalsIgnoreCase(GRPC))) {
			return "must be an absolute http, https or grpc URL";
		}
		if (url.getHost() == null || url.getHost().isEmpty()) {
			return "must have a host";
		}
		if (url.getRawQuery() != null || url.getRawFragment() != null) {
			return "must not have a query or fragment";
		}
		if (url.getRawUserInfo() != null) {
			return "must not have user information";
		}
		String path = url.getRawPath();
		if (path != null && (path.indexOf(';') >= 0 || RequestPath.hasEncodedSeparator(path)
				|| path.toLowerCase(Locale.ROOT).contains("%2e"))) {
			return "must not have ';', an encoded dot, slash or backslash in its path: servers resolve them differently";
		}
		return null;
	}

	/**
	 * Return the target's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return the URL under which requests get a token.
	 * @return the URL
	 */
	public URI getUrl() {
		return this.url;
	}

	/**
	 * Return the audience of the tokens.
	 * @return the audience
	 */
	public String getAudience() {
		return this.audience;
	}

	/**
	 * Return the header that carries the tokens.
	 * @return the header
	 */
	public IdTokenHeader getHeader() {
		return this.header;
	}

	/**
	 * Return the service account impersonated to mint this target's tokens.
	 * @return its email, or {@code null} for the token source's own identity
	 */
	@Nullable String identity() {
		return this.identity;
	}

	boolean sameOrigin(String scheme, String host, int port) {
		return this.port == port && this.scheme.equalsIgnoreCase(scheme) && this.host.equalsIgnoreCase(host);
	}

	boolean covers(RequestPath path) {
		return path.isUnder(this.path);
	}

	boolean firstOwnXServerlessAuthorization() {
		return !this.ownXServerlessAuthorizationSeen.get()
				&& this.ownXServerlessAuthorizationSeen.compareAndSet(false, true);
	}

	int pathLength() {
		return this.path.length();
	}

	static int effectivePort(String scheme, int port) {
		if (port != -1) {
			return port;
		}
		return (scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase(GRPC)) ? 443 : 80;
	}

	/**
	 * Return whether a host is {@code localhost} or a loopback address, without a DNS
	 * lookup.
	 * @param host a host name or address
	 * @return whether it is the loopback
	 */
	static boolean isLoopback(String host) {
		if (host.equalsIgnoreCase("localhost")) {
			return true;
		}
		if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]")) {
			return false;
		}
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static String withoutTrailingSlash(String path) {
		return (path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof CallingTarget target && this.name.equals(target.name)
				&& this.url.equals(target.url) && this.audience.equals(target.audience) && this.header == target.header
				&& Objects.equals(this.identity, target.identity));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.name, this.url, this.audience, this.header, this.identity);
	}

	@Override
	public String toString() {
		return this.name + " (" + this.url + ", audience " + this.audience + ", " + this.header.headerName()
				+ ((this.identity != null) ? ", as " + this.identity : "") + ")";
	}

}
