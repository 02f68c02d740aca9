package dev.cloudrunauth.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Forwards requests on 127.0.0.1 to another URL and records which headers they carried, so that a test can see
 * where a calling service put its token without the token being logged anywhere.
 */
final class RecordingProxy implements AutoCloseable {

	private static final Set<String> FORWARDED = Set.of("Authorization", "X-Serverless-Authorization", "Accept");

	private final HttpServer server;

	private final String target;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<Set<String>> headerNames = new CopyOnWriteArrayList<>();

	private RecordingProxy(String target) throws IOException {
		this.target = target;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		this.server.createContext("/", this::forward);
		this.server.start();
	}

	static RecordingProxy to(String target) {
		try {
			return new RecordingProxy(target);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * Return, for each request forwarded, which of the credential headers it carried.
	 * @return the header names per request
	 */
	List<Set<String>> credentialHeaders() {
		return List.copyOf(this.headerNames);
	}

	private void forward(HttpExchange exchange) throws IOException {
		try (exchange) {
			HttpRequest.Builder request = HttpRequest
				.newBuilder(URI.create(this.target + exchange.getRequestURI().getRawPath()));
			Set<String> present = new java.util.TreeSet<>();
			for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
				for (String name : FORWARDED) {
					if (name.equalsIgnoreCase(header.getKey())) {
						header.getValue().forEach((value) -> request.header(name, value));
						if (!name.equals("Accept")) {
							present.add(name);
						}
					}
				}
			}
			this.headerNames.add(present);
			HttpResponse<byte[]> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
			byte[] body = response.body();
			response.headers().firstValue("Content-Type").ifPresent((type) -> exchange.getResponseHeaders().set("Content-Type", type));
			exchange.sendResponseHeaders(response.statusCode(), (body.length > 0) ? body.length : -1);
			exchange.getResponseBody().write(body);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exchange.sendResponseHeaders(502, -1);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
