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

	private final MetadataServer metadata;

	CloudRunServiceUrl(String metadataBaseUrl) {
		this.metadata = new MetadataServer(URI.create(metadataBaseUrl), TIMEOUT);
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
		String projectNumber = this.metadata.get("project/numeric-project-id");
		if (!projectNumber.matches("\\d+")) {
			throw new IOException("unexpected project number '" + projectNumber + "' from the metadata server");
		}
		return new String[] { projectNumber, this.metadata.region() };
	}

}
