package dev.cloudrunauth.benchmarks.support;

import java.util.concurrent.atomic.LongAdder;

import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

/**
 * Answers every request with {@code 200 ok} and counts requests, and those that carried
 * an {@code Authorization} header, without recording them: a benchmark sends too many to
 * keep.
 */
public final class CountingHandler implements LoopbackServer.Handler {

	private static final LoopbackResponse OK = LoopbackResponse.text(200, "ok");

	private final LongAdder withAuthorization = new LongAdder();

	private final LongAdder requests = new LongAdder();

	@Override
	public LoopbackResponse handle(RecordedRequest request) {
		this.requests.increment();
		if (request.header("Authorization") != null) {
			this.withAuthorization.increment();
		}
		return OK;
	}

	public long requests() {
		return this.requests.sum();
	}

	public long requestsWithAuthorization() {
		return this.withAuthorization.sum();
	}

}
