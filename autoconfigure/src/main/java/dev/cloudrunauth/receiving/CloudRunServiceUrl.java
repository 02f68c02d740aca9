package dev.cloudrunauth.receiving;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Derives a Cloud Run service's URL,
 * {@code https://SERVICE-PROJECT_NUMBER.REGION.run.app}, and the audience of IAP's
 * assertions for it, {@code /projects/PROJECT_NUMBER/locations/REGION/services/SERVICE},
 * from {@code K_SERVICE} and the metadata server, which on Cloud Run is local and answers
 * within milliseconds.
 */
final class CloudRunServiceUrl {

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final String metadataBaseUrl;

	CloudRunServiceUrl(String metadataBaseUrl) {
		this.metadataBaseUrl = metadataBaseUrl;
	}

	String derive(String service) throws IOException {
		String[] projectNumberAndRegion = projectNumberAndRegion();
		return "https://" + service + "-" + projectNumberAndRegion[0] + "." + projectNumberAndRegion[1] + ".run.app";
	}

	String deriveIapAudience(String service) throws IOException {
		String[] projectNumberAndRegion = projectNumberAndRegion();
		return "/projects/" + projectNumberAndRegion[0] + "/locations/" + projectNumberAndRegion[1] + "/services/"
				+ service;
	}

	private String[] projectNumberAndRegion() throws IOException {
		String projectNumber = get("/computeMetadata/v1/project/numeric-project-id");
		String region = get("/computeMetadata/v1/instance/region");
		int slash = region.lastIndexOf('/');
		region = (slash >= 0) ? region.substring(slash + 1) : region;
		if (!projectNumber.matches("\\d+") || !region.matches("[a-z0-9-]+")) {
			throw new IOException("unexpected project number '" + projectNumber + "' or region '" + region + "'");
		}
		return new String[] { projectNumber, region };
	}

	private String get(String path) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.metadataBaseUrl + path))
			.timeout(TIMEOUT)
			.header("Metadata-Flavor", "Google")
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException("HTTP " + response.statusCode() + " from " + request.uri());
			}
			return response.body().trim();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted", ex);
		}
	}

}
