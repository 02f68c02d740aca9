package dev.cloudrunauth.test.emulator;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.concurrent.atomic.AtomicLong;

import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

import org.jspecify.annotations.Nullable;

/**
 * One endpoint's {@link LoopbackServer}, with the endpoint's injected fault applied
 * before its handler runs and its requests counted. Refusing connections closes the
 * server; clearing that fault starts one on the same port again.
 */
final class EndpointServer {

	// a delay fault holds a thread per request for the whole delay, and clients that time
	// out call again meanwhile
	private static final int THREADS = 64;

	private final EmulatorEndpoint endpoint;

	private final LoopbackServer.Handler handler;

	private final AtomicLong requests = new AtomicLong();

	private volatile @Nullable Fault fault;

	private @Nullable LoopbackServer server;

	private int port;

	EndpointServer(EmulatorEndpoint endpoint, LoopbackServer.Handler handler) {
		this.endpoint = endpoint;
		this.handler = handler;
	}

	synchronized void start(int port) {
		bind(port);
	}

	synchronized void stop() {
		if (this.server != null) {
			this.server.close();
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

	private void bind(int port) {
		try {
			// only counted: an emulator may run for days
			this.server = LoopbackServer.builder()
				.port(port)
				.threads(THREADS)
				.recording(false)
				.handler(this::handle)
				.start();
			this.port = this.server.port();
		}
		catch (UncheckedIOException ex) {
			if (ex.getCause() instanceof BindException taken) {
				throw new PortInUseException(port, this.endpoint, taken);
			}
			throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + port + " for " + this.endpoint,
					ex.getCause());
		}
	}

	private LoopbackResponse handle(RecordedRequest request) throws InterruptedException {
		this.requests.incrementAndGet();
		Fault fault = this.fault;
		if (fault != null && fault.delay() != null) {
			Thread.sleep(fault.delay().toMillis());
		}
		if (fault != null && fault.status() > 0) {
			return Exchanges.apiError(fault.status(), "UNAVAILABLE",
					"Injected fault: HTTP " + fault.status() + " from the emulated " + this.endpoint);
		}
		if (!request.bodyComplete()) {
			return Exchanges.apiError(413, "INVALID_ARGUMENT",
					"Request body larger than " + RecordedRequest.MAX_RETAINED_BODY + " bytes");
		}
		try {
			return this.handler.handle(request);
		}
		catch (Exception ex) {
			return Exchanges.apiError(500, "INTERNAL", "Emulator error: " + ex);
		}
	}

}
