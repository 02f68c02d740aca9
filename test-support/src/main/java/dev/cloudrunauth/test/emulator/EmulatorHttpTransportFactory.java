package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;

/**
 * An {@link HttpTransportFactory} for google-auth-library-java that sends every request
 * for Google's identity endpoints to an emulator instead, and refuses any other host but
 * loopback.
 * <p>
 * google-auth-library builds most endpoint URLs itself
 * ({@code https://iamcredentials.googleapis.com/...} for impersonation,
 * {@code http://metadata.google.internal/...} for the metadata server unless
 * {@code GCE_METADATA_HOST} is set), but every credential type takes an
 * {@code HttpTransportFactory} in its builder ({@code setHttpTransportFactory}), and this
 * is the one place all its requests go through. Routed hosts:
 * <ul>
 * <li>{@code metadata.google.internal} and {@code 169.254.169.254}: the metadata
 * server</li>
 * <li>{@code oauth2.googleapis.com}, {@code www.googleapis.com/oauth2/v4/token},
 * {@code accounts.google.com/o/oauth2/token}: the OAuth token endpoint</li>
 * <li>{@code iamcredentials.googleapis.com}: IAM Credentials</li>
 * <li>{@code www.googleapis.com/oauth2/v3/certs}: the JWKS</li>
 * <li>{@code run.googleapis.com}: the Cloud Run Admin API</li>
 * <li>{@code 127.0.0.1} and {@code localhost}: unchanged</li>
 * </ul>
 */
public final class EmulatorHttpTransportFactory implements HttpTransportFactory {

	private final GoogleIdentityEmulator emulator;

	private final NetHttpTransport transport;

	/**
	 * Create a factory routing to the given emulator.
	 * @param emulator a running emulator
	 */
	public EmulatorHttpTransportFactory(GoogleIdentityEmulator emulator) {
		this.emulator = emulator;
		this.transport = new NetHttpTransport.Builder().setConnectionFactory(this::openConnection).build();
	}

	@Override
	public HttpTransport create() {
		return this.transport;
	}

	private HttpURLConnection openConnection(URL url) throws IOException {
		return (HttpURLConnection) route(url).openConnection(Proxy.NO_PROXY);
	}

	URL route(URL url) throws IOException {
		String host = url.getHost();
		String path = url.getPath();
		EmulatorEndpoint endpoint = switch (host) {
			case "metadata.google.internal", "169.254.169.254" -> EmulatorEndpoint.METADATA;
			case "oauth2.googleapis.com" -> EmulatorEndpoint.OAUTH_TOKEN;
			case "iamcredentials.googleapis.com" -> EmulatorEndpoint.IAM_CREDENTIALS;
			case "run.googleapis.com" -> EmulatorEndpoint.CLOUD_RUN_ADMIN;
			case "accounts.google.com" -> path.equals("/o/oauth2/token") ? EmulatorEndpoint.OAUTH_TOKEN : null;
			case "www.googleapis.com" -> path.equals("/oauth2/v4/token") ? EmulatorEndpoint.OAUTH_TOKEN
					: path.equals("/oauth2/v3/certs") ? EmulatorEndpoint.JWKS : null;
			case "127.0.0.1", "localhost" -> null;
			default -> throw new IOException("Not an emulated Google endpoint, refusing to connect: " + host);
		};
		if (endpoint == null) {
			if (host.equals("127.0.0.1") || host.equals("localhost")) {
				return url;
			}
			throw new IOException("Not an emulated Google endpoint, refusing to connect: " + host + path);
		}
		String query = (url.getQuery() != null) ? "?" + url.getQuery() : "";
		return URI.create("http://127.0.0.1:" + this.emulator.port(endpoint) + path + query).toURL();
	}

}
