package dev.cloudrunauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on 127.0.0.1 for tests: it records the requests it gets and answers each
 * with what its handler returns, by default {@code 200 ok}. It listens on no other
 * interface, handles a bounded number of requests at once, and closing it frees its port.
 * <pre class="code">
 * try (LoopbackServer target = LoopbackServer.start((request) -&gt; LoopbackResponse.text(200, "hello"))) {
 *     // call target.url() + "/hello", then look at target.onlyRequest().header("Authorization")
 * }
 * </pre>
 */
public final class LoopbackServer implements AutoCloseable {

	private static final LoopbackResponse OK = LoopbackResponse.text(200, "ok");

	private final HttpServer server;

	private final ThreadPoolExecutor executor;

	private final Handler handler;

	private final boolean recording;

	private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

	private final Map<String, LoopbackResponse> responses = new ConcurrentHashMap<>();

	private final LongAdder requestCount = new LongAdder();

	private LoopbackServer(Builder builder) {
		this.handler = builder.handler;
		this.recording = builder.recording;
		try {
			InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port);
			this.server = HttpServer.create(address, 1024);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + builder.port, ex);
		}
		this.executor = boundedExecutor("loopback-server-" + port(), builder.threads);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::exchange);
		this.server.start();
	}

	/**
	 * Start a server on a free port that answers every request with {@code 200 ok}.
	 * @return the running server
	 */
	public static LoopbackServer start() {
		return builder().start();
	}

	/**
	 * Start a server on a free port that answers with the given handler.
	 * @param handler what to answer
	 * @return the running server
	 */
	public static LoopbackServer start(Handler handler) {
		return builder().handler(handler).start();
	}

	/**
	 * Return a builder for a server with other settings.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the server's base URL.
	 * @return {@code http://127.0.0.1:PORT}
	 */
	public String url() {
		return "http://127.0.0.1:" + port();
	}

	/**
	 * Return the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.getAddress().getPort();
	}

	/**
	 * Answer requests for a path with the given response instead of the handler's, until
	 * {@link #clear()}.
	 * @param path the request path, such as {@code /moved}
	 * @param response the response
	 */
	public void respond(String path, LoopbackResponse response) {
		this.responses.put(path, Objects.requireNonNull(response, "response cannot be null"));
	}

	/**
	 * Return the requests recorded so far, oldest first.
	 * @return a copy of the recorded requests
	 * @throws IllegalStateException if the server was built not to record
	 */
	public List<RecordedRequest> requests() {
		if (!this.recording) {
			throw new IllegalStateException("This server does not record requests; count them with requestCount()");
		}
		return new ArrayList<>(this.requests);
	}

	/**
	 * Return the one request recorded so far.
	 * @return the request
	 * @throws AssertionError if there is not exactly one
	 */
	public RecordedRequest onlyRequest() {
		List<RecordedRequest> requests = requests();
		if (requests.size() != 1) {
			throw new AssertionError("Expected one request, got " + requests.size() + ": " + requests);
		}
		return requests.get(0);
	}

	/**
	 * Return how many requests arrived, recorded or not.
	 * @return the count since start or the last {@link #clear()}
	 */
	public long requestCount() {
		return this.requestCount.sum();
	}

	/**
	 * Forget the recorded requests, the count and the responses set with
	 * {@link #respond(String, LoopbackResponse)}.
	 */
	public void clear() {
		this.requests.clear();
		this.requestCount.reset();
		this.responses.clear();
	}

	/**
	 * Stop listening and release the port, abandoning exchanges under way.
	 */
	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void exchange(HttpExchange exchange) throws IOException {
		try (exchange) {
			RecordedRequest request = RecordedRequest.read(exchange);
			this.requestCount.increment();
			if (this.recording) {
				this.requests.add(request);
			}
			LoopbackResponse response = this.responses.get(request.path());
			((response != null) ? response : answer(request)).writeTo(exchange);
		}
	}

	private LoopbackResponse answer(RecordedRequest request) {
		try {
			return this.handler.handle(request);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return LoopbackResponse.status(500);
		}
	}

	private static ThreadPoolExecutor boundedExecutor(String name, int threads) {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (runnable) -> {
					Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		// idle servers, such as an emulator's endpoints nobody calls, hold no threads
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/**
	 * What a server answers to a request; an exception is answered with 500 and no body.
	 */
	@FunctionalInterface
	public interface Handler {

		/**
		 * Answer a request.
		 * @param request the request, its body read
		 * @return the response
		 * @throws Exception if the request cannot be answered
		 */
		LoopbackResponse handle(RecordedRequest request) throws Exception;

	}

	/**
	 * Settings of a server before it starts.
	 */
	public static final class Builder {

		private Handler handler = (request) -> OK;

		private int port;

		private int threads = 4;

		private boolean recording = true;

		private Builder() {
		}

		/**
		 * Set what the server answers (default {@code 200 ok}).
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder handler(Handler handler) {
			this.handler = Objects.requireNonNull(handler, "handler cannot be null");
			return this;
		}

		/**
		 * Listen on a fixed port instead of a free one.
		 * @param port the port, or 0 for a free one
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * Set how many requests are handled at once (default 4); others wait their turn.
		 * @param threads at least one
		 * @return this builder
		 */
		public Builder threads(int threads) {
			if (threads < 1) {
				throw new IllegalArgumentException("threads must be at least 1, got " + threads);
			}
			this.threads = threads;
			return this;
		}

		/**
		 * Set whether requests are kept for {@link LoopbackServer#requests()} (default
		 * {@code true}); a server under load or running for long only counts them.
		 * @param recording whether to keep requests
		 * @return this builder
		 */
		public Builder recording(boolean recording) {
			this.recording = recording;
			return this;
		}

		/**
		 * Start the server; if it cannot listen, it throws an
		 * {@link UncheckedIOException}, caused by a {@link java.net.BindException} when
		 * the port is taken.
		 * @return the running server
		 */
		public LoopbackServer start() {
			return new LoopbackServer(this);
		}

	}

}
