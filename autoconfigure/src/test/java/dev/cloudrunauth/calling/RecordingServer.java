package dev.cloudrunauth.calling;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on 127.0.0.1 that records the requests it gets (the body's length, not the body) and answers 200
 * {@code ok}, or what it was told to answer for a path.
 */
final class RecordingServer implements AutoCloseable {

	private final HttpServer server;

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final Map<String, Response> responses = new ConcurrentHashMap<>();

	private RecordingServer(HttpServer server) {
		this.server = server;
	}

	static RecordingServer start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
			server.setExecutor(Executors.newCachedThreadPool((runnable) -> {
				Thread thread = new Thread(runnable, "recording-server");
				thread.setDaemon(true);
				return thread;
			}));
			RecordingServer recording = new RecordingServer(server);
			server.createContext("/", recording::handle);
			server.start();
			return recording;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	void respond(String path, int status, Map<String, String> headers) {
		this.responses.put(path, new Response(status, headers));
	}

	List<Request> requests() {
		return new ArrayList<>(this.requests);
	}

	Request onlyRequest() {
		List<Request> requests = requests();
		if (requests.size() != 1) {
			throw new AssertionError("Expected one request, got " + requests.size() + ": " + requests);
		}
		return requests.get(0);
	}

	void clear() {
		this.requests.clear();
		this.responses.clear();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			Map<String, List<String>> headers = new LinkedHashMap<>();
			exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
			java.time.Instant receivedAt = java.time.Instant.now();
			long bodyLength = exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
			this.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
					receivedAt, bodyLength));
			Response response = this.responses.get(exchange.getRequestURI().getPath());
			if (response != null) {
				response.headers().forEach(exchange.getResponseHeaders()::set);
				exchange.sendResponseHeaders(response.status(), -1);
				return;
			}
			byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "text/plain");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	record Request(String method, String path, Map<String, List<String>> headers, java.time.Instant receivedAt,
			long bodyLength) {

		String header(String name) {
			List<String> values = this.headers.get(name.toLowerCase());
			return (values != null) ? values.get(0) : null;
		}

		List<String> headers(String name) {
			return this.headers.getOrDefault(name.toLowerCase(), List.of());
		}

		String bearerToken(String header) {
			String value = header(header);
			if (value == null || !value.startsWith("Bearer ")) {
				throw new AssertionError("No bearer token in " + header + ": " + this.headers.keySet());
			}
			return value.substring("Bearer ".length());
		}

		@Override
		public String toString() {
			return this.method + " " + this.path + " " + this.headers.keySet();
		}

	}

	private record Response(int status, Map<String, String> headers) {
	}

}
