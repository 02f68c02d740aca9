package dev.cloudrunauth.test.emulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

/**
 * The Cloud Run Admin API v2's {@code services.get}, as a service reads its own
 * configuration: every service name exists in the emulator's project and region, and
 * {@code invokerIamDisabled} is the emulator's setting.
 */
final class CloudRunAdminHandler implements LoopbackServer.Handler {

	private static final Pattern PATH = Pattern.compile("^/v2/projects/([^/]+)/locations/([^/]+)/services/([^/]+)$");

	private final EmulatorSettings settings;

	private final TokenMint tokens;

	CloudRunAdminHandler(EmulatorSettings settings, TokenMint tokens) {
		this.settings = settings;
		this.tokens = tokens;
	}

	@Override
	public LoopbackResponse handle(RecordedRequest request) {
		Matcher matcher = PATH.matcher(request.uri().getRawPath());
		if (!matcher.matches()) {
			return Exchanges.apiError(404, "NOT_FOUND", "No such method: " + request.path());
		}
		if (!"GET".equals(request.method())) {
			return Exchanges.apiError(405, "METHOD_NOT_ALLOWED", "GET required");
		}
		if (Exchanges.apiCaller(request, this.tokens) == null) {
			return Exchanges.unauthenticated();
		}
		String project = matcher.group(1);
		String region = matcher.group(2);
		String service = matcher.group(3);
		String resource = "projects/" + project + "/locations/" + region + "/services/" + service;
		// IAM is checked on the name before the resource is looked up, hence "(or
		// resource may not exist)"
		if (this.settings.cloudRunAdminPermissionDenied()) {
			return Exchanges.apiError(403, "PERMISSION_DENIED",
					"Permission 'run.services.get' denied on resource '" + resource + "' (or resource may not exist).");
		}
		boolean ownProject = project.equals(this.settings.projectId()) || project.equals(this.settings.projectNumber());
		if (!ownProject || !region.equals(this.settings.region())) {
			return Exchanges.apiError(404, "NOT_FOUND", "Resource '" + service + "' of kind 'SERVICE' in region '"
					+ region + "' in project '" + project + "' does not exist.");
		}
		return Exchanges.json(200, service(service));
	}

	private Map<String, Object> service(String name) {
		String projectId = this.settings.projectId();
		String region = this.settings.region();
		String resource = "projects/" + projectId + "/locations/" + region + "/services/" + name;
		String uri = "https://" + name + "-" + this.settings.projectNumber() + "." + region + ".run.app";
		String created = this.settings.startedAt().toString();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", resource);
		body.put("uid", UUID.nameUUIDFromBytes(resource.getBytes(StandardCharsets.UTF_8)).toString());
		body.put("generation", "1");
		body.put("createTime", created);
		body.put("updateTime", created);
		body.put("ingress", "INGRESS_TRAFFIC_ALL");
		body.put("launchStage", "GA");
		body.put("uri", uri);
		body.put("urls", List.of(uri));
		// proto3 JSON leaves out a bool field that is false
		if (this.settings.invokerIamDisabled()) {
			body.put("invokerIamDisabled", true);
		}
		return body;
	}

}
