package dev.cloudrunauth.receiving;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Reads values from the metadata server of the instance ({@code /computeMetadata/v1/}),
 * which on Cloud Run is local and answers within milliseconds. Messages name the path and
 * the status, never the answer, which may hold a token. google-auth-library reads the
 * metadata server for credentials only; it offers no reader of other values.
 */
final class MetadataServer {

	private static final String PREFIX = "/computeMetadata/v1/";

	private final URI baseUri;

	private final Duration timeout;

	private volatile @Nullable HttpClient http;

	MetadataServer(URI baseUri, Duration timeout) {
		this.baseUri = baseUri;
		this.timeout = timeout;
	}

	/**
	 * Return a value, trimmed.
	 * @param path the path under {@code /computeMetadata/v1/}, such as
	 * {@code instance/region}
	 * @return the value
	 * @throws IOException if the metadata server cannot be reached or does not answer
	 * with 200
	 */
	String get(String path) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(this.baseUri.resolve(PREFIX + path))
			.timeout(this.timeout)
			.header("Metadata-Flavor", "Google")
			.GET()
			.build();
		try {
			HttpResponse<String> response = http().send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException("HTTP " + response.statusCode() + " for " + path + " from the metadata server");
			}
			return response.body().trim();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while reading " + path + " from the metadata server", ex);
		}
	}

	/**
	 * Return the region of the instance, without its {@code projects/NUMBER/regions/}
	 * prefix.
	 * @return the region, such as {@code us-central1}
	 * @throws IOException if it cannot be read or is not a region name
	 */
	String region() throws IOException {
		String region = get("instance/region");
		region = region.substring(region.lastIndexOf('/') + 1);
		if (!region.matches("[a-z0-9-]+")) {
			throw new IOException("unexpected region '" + region + "' from the metadata server");
		}
		return region;
	}

	private HttpClient http() {
		HttpClient http = this.http;
		if (http == null) {
			http = HttpClient.newBuilder()
				.connectTimeout(this.timeout)
				.followRedirects(HttpClient.Redirect.NEVER)
				.build();
			this.http = http;
		}
		return http;
	}

	URI baseUri() {
		return this.baseUri;
	}

}
