package dev.cloudrunauth.test.emulator;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import dev.cloudrunauth.test.LoopbackServer;

/**
 * The emulator's endpoints, each on its own port: where they listen, their faults and how
 * many requests reached them.
 */
final class Endpoints {

	private final Map<EmulatorEndpoint, EndpointServer> servers = new EnumMap<>(EmulatorEndpoint.class);

	Endpoints(EmulatorSettings settings, ServiceAccounts accounts, TokenMint tokens, JwksHandler jwks,
			Supplier<String> tokenUri) {
		add(EmulatorEndpoint.METADATA, new MetadataServerHandler(settings, accounts, tokens));
		add(EmulatorEndpoint.OAUTH_TOKEN, new OAuthTokenHandler(settings, accounts, tokens, tokenUri));
		add(EmulatorEndpoint.IAM_CREDENTIALS, new IamCredentialsHandler(settings, accounts, tokens));
		add(EmulatorEndpoint.JWKS, jwks);
		add(EmulatorEndpoint.CLOUD_RUN_ADMIN, new CloudRunAdminHandler(settings, tokens));
	}

	private void add(EmulatorEndpoint endpoint, LoopbackServer.Handler handler) {
		this.servers.put(endpoint, new EndpointServer(endpoint, handler));
	}

	/**
	 * Start every endpoint, in the order of {@link EmulatorEndpoint}: on free ports, or
	 * from {@code basePort} up.
	 */
	void start(int basePort) {
		int offset = 0;
		try {
			for (EndpointServer server : this.servers.values()) {
				server.start((basePort != 0) ? basePort + offset++ : 0);
			}
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
	}

	void stop() {
		this.servers.values().forEach(EndpointServer::stop);
	}

	int port(EmulatorEndpoint endpoint) {
		return server(endpoint).port();
	}

	void inject(EmulatorEndpoint endpoint, Fault fault) {
		server(endpoint).fault(Objects.requireNonNull(fault, "fault cannot be null"));
	}

	void clearFault(EmulatorEndpoint endpoint) {
		server(endpoint).fault(null);
	}

	void clearFaults() {
		this.servers.values().forEach((server) -> server.fault(null));
	}

	long requests(EmulatorEndpoint endpoint) {
		return server(endpoint).requests();
	}

	void resetRequests() {
		this.servers.values().forEach(EndpointServer::resetRequests);
	}

	private EndpointServer server(EmulatorEndpoint endpoint) {
		return this.servers.get(Objects.requireNonNull(endpoint, "endpoint cannot be null"));
	}

}
