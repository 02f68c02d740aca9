package dev.cloudrunauth.benchmarks.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on 127.0.0.1 that reads every request body in 64 KB pieces, keeps none
 * of it, and answers {@code 200} with no body. It remembers, of the last request with a
 * body, how many bytes came, how they were framed ({@code Content-Length} or chunked) and
 * whether an {@code Authorization} header came (never its value).
 */
public final class DiscardServer implements AutoCloseable {

	/**
	 * What the last request with a body looked like on the wire.
	 *
	 * @param bytes the body's length as read
	 * @param framing {@code chunked}, {@code Content-Length: N} or {@code none}
	 * @param authorization whether it carried an {@code Authorization} header
	 */
	public record Received(long bytes, String framing, boolean authorization) {
	}

	private final HttpServer server;

	private final ExecutorService executor;

	private volatile Received last = new Received(0, "none", false);

	public DiscardServer() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.executor = Executors.newFixedThreadPool(2, (runnable) -> {
			Thread thread = new Thread(runnable, "discard-server");
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/", (exchange) -> {
			long bytes = 0;
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = exchange.getRequestBody()) {
				int n;
				while ((n = in.read(buffer)) >= 0) {
					bytes += n;
				}
			}
			String encoding = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
			String length = exchange.getRequestHeaders().getFirst("Content-Length");
			String framing = (encoding != null) ? encoding : (length != null) ? "Content-Length: " + length : "none";
			this.last = new Received(bytes, framing, exchange.getRequestHeaders().containsKey("Authorization"));
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.server.start();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	public Received last() {
		return this.last;
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
