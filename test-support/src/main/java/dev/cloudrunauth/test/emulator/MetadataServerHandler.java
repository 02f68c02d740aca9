package dev.cloudrunauth.test.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

/**
 * The metadata server as Cloud Run and Compute Engine serve it: the availability ping,
 * the default service account's email, access token and ID tokens, and the project and
 * region.
 */
final class MetadataServerHandler implements LoopbackServer.Handler {

	/**
	 * Scope of the access tokens that google-auth-library asks for by default.
	 */
	static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

	private static final String PREFIX = "/computeMetadata/v1";

	private static final String ACCOUNTS = PREFIX + "/instance/service-accounts/";

	private final EmulatorSettings settings;

	private final ServiceAccounts accounts;

	private final TokenMint tokens;

	MetadataServerHandler(EmulatorSettings settings, ServiceAccounts accounts, TokenMint tokens) {
		this.settings = settings;
		this.accounts = accounts;
		this.tokens = tokens;
	}

	@Override
	public LoopbackResponse handle(RecordedRequest request) {
		return answer(request).withHeader("Metadata-Flavor", "Google");
	}

	private LoopbackResponse answer(RecordedRequest request) {
		if (!"Google".equals(request.header("Metadata-Flavor"))) {
			return Exchanges.text(403, "Missing required header \"Metadata-Flavor\": \"Google\"\n");
		}
		if (request.header("X-Forwarded-For") != null) {
			return Exchanges.text(403, "Requests with X-Forwarded-For are refused\n");
		}
		if (!"GET".equals(request.method())) {
			return Exchanges.text(405, "Method not allowed\n");
		}
		String path = request.path();
		Map<String, String> query = Exchanges.query(request);
		ServiceAccount account = this.accounts.metadataServiceAccount();
		String projectNumber = this.settings.projectNumber();
		return switch (path) {
			case "/", PREFIX, PREFIX + "/" -> Exchanges.text(200, "computeMetadata/\n");
			case PREFIX + "/project/project-id" -> Exchanges.text(200, this.settings.projectId());
			case PREFIX + "/project/numeric-project-id" -> Exchanges.text(200, projectNumber);
			case PREFIX + "/instance/region" ->
				Exchanges.text(200, "projects/" + projectNumber + "/regions/" + this.settings.region());
			case PREFIX + "/instance/zone" ->
				Exchanges.text(200, "projects/" + projectNumber + "/zones/" + this.settings.region() + "-1");
			case PREFIX + "/universe/universe-domain" -> Exchanges.text(200, "googleapis.com");
			case ACCOUNTS -> serviceAccounts(query, account);
			default -> path.startsWith(ACCOUNTS) ? serviceAccount(path.substring(ACCOUNTS.length()), query, account)
					: Exchanges.text(404, "Not found: " + path + "\n");
		};
	}

	private LoopbackResponse serviceAccounts(Map<String, String> query, ServiceAccount account) {
		if ("true".equalsIgnoreCase(query.get("recursive"))) {
			Map<String, Object> accounts = new LinkedHashMap<>();
			accounts.put("default", describe(account, List.of("default")));
			accounts.put(account.email(), describe(account, List.of("default")));
			return Exchanges.json(200, accounts);
		}
		return Exchanges.text(200, "default/\n" + account.email() + "/\n");
	}

	private LoopbackResponse serviceAccount(String rest, Map<String, String> query, ServiceAccount account) {
		int slash = rest.indexOf('/');
		String alias = (slash < 0) ? rest : rest.substring(0, slash);
		String attribute = (slash < 0) ? "" : rest.substring(slash + 1);
		if (!alias.equals("default") && !alias.equals(account.email())) {
			return Exchanges.text(404, "No service account " + alias + "\n");
		}
		return switch (attribute) {
			case "" -> Exchanges.json(200, describe(account, List.of("default")));
			case "email" -> Exchanges.text(200, account.email());
			case "aliases" -> Exchanges.text(200, "default\n");
			case "scopes" -> Exchanges.text(200, CLOUD_PLATFORM_SCOPE + "\n");
			case "token" -> accessToken(account);
			case "identity" -> identity(query, account);
			default -> Exchanges.text(404, "Not found: " + attribute + "\n");
		};
	}

	private LoopbackResponse accessToken(ServiceAccount account) {
		TokenMint.AccessToken token = this.tokens.issueAccessToken(account);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", token.value());
		body.put("expires_in", this.settings.tokenLifetime().toSeconds());
		body.put("token_type", "Bearer");
		return Exchanges.json(200, body);
	}

	private LoopbackResponse identity(Map<String, String> query, ServiceAccount account) {
		String audience = query.get("audience");
		if (audience == null || audience.isEmpty()) {
			return Exchanges.text(400, "non-empty audience parameter required\n");
		}
		boolean full = "full".equals(query.get("format"));
		return Exchanges.text(200, this.tokens.mintIdToken(account, audience, full, false));
	}

	private Map<String, Object> describe(ServiceAccount account, List<String> aliases) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("aliases", aliases);
		description.put("email", account.email());
		description.put("scopes", List.of(CLOUD_PLATFORM_SCOPE));
		return description;
	}

}
