package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import org.jspecify.annotations.Nullable;

/**
 * One endpoint's listener on 127.0.0.1, with the endpoint's injected fault applied before its handler runs. Refusing
 * connections closes the listener; clearing that fault binds the same port again.
 */
final class EndpointServer {

	private static final InetAddress loopback = InetAddress.getLoopbackAddress();

	private final EmulatorEndpoint endpoint;

	private final HttpHandler handler;

	private final ExecutorService executor;

	private final AtomicLong requests = new AtomicLong();

	private volatile @Nullable Fault fault;

	private @Nullable HttpServer server;

	private int port;

	EndpointServer(EmulatorEndpoint endpoint, HttpHandler handler, ExecutorService executor) {
		this.endpoint = endpoint;
		this.handler = handler;
		this.executor = executor;
	}

	synchronized void start(int port) {
		bind(port);
	}

	synchronized void stop() {
		if (this.server != null) {
			this.server.stop(0);
			this.server = null;
		}
	}

	synchronized int port() {
		return this.port;
	}

	long requests() {
		return this.requests.get();
	}

	void resetRequests() {
		this.requests.set(0);
	}

	synchronized void fault(@Nullable Fault fault) {
		this.fault = fault;
		if (fault != null && fault.refusesConnections()) {
			stop();
		}
		else if (this.server == null && this.port != 0) {
			bind(this.port);
		}
	}

	@Nullable Fault fault() {
		return this.fault;
	}

	private void bind(int port) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(loopback, port), 64);
			server.setExecutor(this.executor);
			server.createContext("/", this::handle);
			server.start();
			this.server = server;
			this.port = server.getAddress().getPort();
		}
		catch (BindException ex) {
			throw new PortInUseException(port, this.endpoint, ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + port + " for " + this.endpoint, ex);
		}
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		try {
			Fault fault = this.fault;
			if (fault != null && fault.delay() != null) {
				sleep(fault.delay());
			}
			if (fault != null && fault.status() > 0) {
				Exchanges.json(exchange, fault.status(), Exchanges.googleApiError(fault.status(), "UNAVAILABLE",
						"Injected fault: HTTP " + fault.status() + " from the emulated " + this.endpoint));
				return;
			}
			this.handler.handle(exchange);
		}
		catch (RuntimeException ex) {
			if (exchange.getResponseCode() == -1) {
				Exchanges.json(exchange, 500, Exchanges.googleApiError(500, "INTERNAL", "Emulator error: " + ex));
			}
		}
		finally {
			exchange.close();
		}
	}

	private static void sleep(Duration delay) throws IOException {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while delaying the response", ex);
		}
	}

}
