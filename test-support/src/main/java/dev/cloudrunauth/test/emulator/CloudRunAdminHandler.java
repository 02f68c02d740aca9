package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The Cloud Run Admin API v2's {@code services.get}, as a service reads its own configuration: every service name
 * exists in the emulator's project and region, and {@code invokerIamDisabled} is the emulator's setting.
 */
final class CloudRunAdminHandler implements HttpHandler {

	private static final Pattern PATH = Pattern.compile("^/v2/projects/([^/]+)/locations/([^/]+)/services/([^/]+)$");

	private final GoogleIdentityEmulator emulator;

	CloudRunAdminHandler(GoogleIdentityEmulator emulator) {
		this.emulator = emulator;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		Matcher matcher = PATH.matcher(exchange.getRequestURI().getRawPath());
		if (!matcher.matches()) {
			Exchanges.apiError(exchange, 404, "NOT_FOUND", "No such method: " + exchange.getRequestURI().getPath());
			return;
		}
		if (!"GET".equals(exchange.getRequestMethod())) {
			Exchanges.apiError(exchange, 405, "METHOD_NOT_ALLOWED", "GET required");
			return;
		}
		if (Exchanges.apiCaller(exchange, this.emulator) == null) {
			return;
		}
		String project = matcher.group(1);
		String region = matcher.group(2);
		String service = matcher.group(3);
		String resource = "projects/" + project + "/locations/" + region + "/services/" + service;
		// IAM is checked on the name before the resource is looked up, hence "(or resource may not exist)"
		if (this.emulator.cloudRunAdminPermissionDenied()) {
			Exchanges.apiError(exchange, 403, "PERMISSION_DENIED",
					"Permission 'run.services.get' denied on resource '" + resource + "' (or resource may not exist).");
			return;
		}
		boolean ownProject = project.equals(this.emulator.projectId()) || project.equals(this.emulator.projectNumber());
		if (!ownProject || !region.equals(this.emulator.region())) {
			Exchanges.apiError(exchange, 404, "NOT_FOUND", "Resource '" + service + "' of kind 'SERVICE' in region '"
					+ region + "' in project '" + project + "' does not exist.");
			return;
		}
		Exchanges.json(exchange, 200, service(service));
	}

	private Map<String, Object> service(String name) {
		String projectId = this.emulator.projectId();
		String region = this.emulator.region();
		String resource = "projects/" + projectId + "/locations/" + region + "/services/" + name;
		String uri = "https://" + name + "-" + this.emulator.projectNumber() + "." + region + ".run.app";
		String created = this.emulator.startedAt().toString();
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
		if (this.emulator.invokerIamDisabled()) {
			body.put("invokerIamDisabled", true);
		}
		return body;
	}

}
