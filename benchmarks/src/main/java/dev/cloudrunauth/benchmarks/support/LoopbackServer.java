package dev.cloudrunauth.benchmarks.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpServer;

/**
 * A tiny HTTP server on 127.0.0.1 that answers every request with {@code 200 ok}; counts
 * requests that carried an {@code Authorization} header.
 */
public final class LoopbackServer implements AutoCloseable {

	private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

	private final HttpServer server;

	private final ExecutorService executor;

	private final LongAdder withAuthorization = new LongAdder();

	private final LongAdder requests = new LongAdder();

	public LoopbackServer(int threads) {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.executor = Executors.newFixedThreadPool(threads, (runnable) -> {
			Thread thread = new Thread(runnable, "loopback-server");
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/", (exchange) -> {
			try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
				in.readAllBytes();
				this.requests.increment();
				if (exchange.getRequestHeaders().containsKey("Authorization")) {
					this.withAuthorization.increment();
				}
				exchange.getResponseHeaders().set("Content-Type", "text/plain");
				exchange.sendResponseHeaders(200, OK.length);
				out.write(OK);
			}
		});
		this.server.start();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	public long requests() {
		return this.requests.sum();
	}

	public long requestsWithAuthorization() {
		return this.withAuthorization.sum();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
