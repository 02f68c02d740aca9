package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The metadata server as Cloud Run and Compute Engine serve it: the availability ping, the default service account's
 * email, access token and ID tokens, and the project and region.
 */
final class MetadataServerHandler implements HttpHandler {

	private static final String PREFIX = "/computeMetadata/v1";

	private static final String ACCOUNTS = PREFIX + "/instance/service-accounts/";

	private final GoogleIdentityEmulator emulator;

	MetadataServerHandler(GoogleIdentityEmulator emulator) {
		this.emulator = emulator;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		exchange.getResponseHeaders().set("Metadata-Flavor", "Google");
		if (!"Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"))) {
			Exchanges.text(exchange, 403, "Missing required header \"Metadata-Flavor\": \"Google\"\n");
			return;
		}
		if (exchange.getRequestHeaders().containsKey("X-Forwarded-For")) {
			Exchanges.text(exchange, 403, "Requests with X-Forwarded-For are refused\n");
			return;
		}
		if (!"GET".equals(exchange.getRequestMethod())) {
			Exchanges.text(exchange, 405, "Method not allowed\n");
			return;
		}
		String path = exchange.getRequestURI().getPath();
		Map<String, String> query = Exchanges.query(exchange);
		ServiceAccount account = this.emulator.metadataServiceAccount();
		switch (path) {
			case "/", PREFIX, PREFIX + "/" -> Exchanges.text(exchange, 200, "computeMetadata/\n");
			case PREFIX + "/project/project-id" -> Exchanges.text(exchange, 200, this.emulator.projectId());
			case PREFIX + "/project/numeric-project-id" -> Exchanges.text(exchange, 200, this.emulator.projectNumber());
			case PREFIX + "/instance/region" -> Exchanges.text(exchange, 200,
					"projects/" + this.emulator.projectNumber() + "/regions/" + this.emulator.region());
			case PREFIX + "/instance/zone" -> Exchanges.text(exchange, 200,
					"projects/" + this.emulator.projectNumber() + "/zones/" + this.emulator.region() + "-1");
			case PREFIX + "/universe/universe-domain" -> Exchanges.text(exchange, 200, "googleapis.com");
			case ACCOUNTS -> serviceAccounts(exchange, query, account);
			default -> {
				if (path.startsWith(ACCOUNTS)) {
					serviceAccount(exchange, path.substring(ACCOUNTS.length()), query, account);
				}
				else {
					Exchanges.text(exchange, 404, "Not found: " + path + "\n");
				}
			}
		}
	}

	private void serviceAccounts(HttpExchange exchange, Map<String, String> query, ServiceAccount account)
			throws IOException {
		if ("true".equalsIgnoreCase(query.get("recursive"))) {
			Map<String, Object> accounts = new LinkedHashMap<>();
			accounts.put("default", describe(account, List.of("default")));
			accounts.put(account.email(), describe(account, List.of("default")));
			Exchanges.json(exchange, 200, accounts);
		}
		else {
			Exchanges.text(exchange, 200, "default/\n" + account.email() + "/\n");
		}
	}

	private void serviceAccount(HttpExchange exchange, String rest, Map<String, String> query,
			ServiceAccount account) throws IOException {
		int slash = rest.indexOf('/');
		String alias = (slash < 0) ? rest : rest.substring(0, slash);
		String attribute = (slash < 0) ? "" : rest.substring(slash + 1);
		if (!alias.equals("default") && !alias.equals(account.email())) {
			Exchanges.text(exchange, 404, "No service account " + alias + "\n");
			return;
		}
		switch (attribute) {
			case "" -> Exchanges.json(exchange, 200, describe(account, List.of("default")));
			case "email" -> Exchanges.text(exchange, 200, account.email());
			case "aliases" -> Exchanges.text(exchange, 200, "default\n");
			case "scopes" -> Exchanges.text(exchange, 200, GoogleIdentityEmulator.CLOUD_PLATFORM_SCOPE + "\n");
			case "token" -> accessToken(exchange, account);
			case "identity" -> identity(exchange, query, account);
			default -> Exchanges.text(exchange, 404, "Not found: " + attribute + "\n");
		}
	}

	private void accessToken(HttpExchange exchange, ServiceAccount account) throws IOException {
		GoogleIdentityEmulator.AccessToken token = this.emulator.issueAccessToken(account);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", token.value());
		body.put("expires_in", this.emulator.tokenLifetime().toSeconds());
		body.put("token_type", "Bearer");
		Exchanges.json(exchange, 200, body);
	}

	private void identity(HttpExchange exchange, Map<String, String> query, ServiceAccount account)
			throws IOException {
		String audience = query.get("audience");
		if (audience == null || audience.isEmpty()) {
			Exchanges.text(exchange, 400, "non-empty audience parameter required\n");
			return;
		}
		boolean full = "full".equals(query.get("format"));
		Exchanges.text(exchange, 200, this.emulator.mintIdToken(account, audience, full, false));
	}

	private Map<String, Object> describe(ServiceAccount account, List<String> aliases) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("aliases", aliases);
		description.put("email", account.email());
		description.put("scopes", List.of(GoogleIdentityEmulator.CLOUD_PLATFORM_SCOPE));
		return description;
	}

}
