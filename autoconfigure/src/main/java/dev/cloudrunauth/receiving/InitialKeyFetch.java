package dev.cloudrunauth.receiving;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the first fetch of Google's keys (or IAP's) in the last phase of startup, once
 * the web server listens, rather than while beans are created: the fetch builds an HTTP
 * client and TLS state (about 200 ms of CPU), which would otherwise compete on a one- or
 * two-CPU instance with the creation of the application's beans. It still runs in the
 * background, usually done before the first request needs the keys (a request that comes
 * first fetches them itself, as on a key it does not know).
 */
class InitialKeyFetch implements SmartLifecycle {

	private final Runnable fetch;

	private volatile boolean running;

	/**
	 * Create the lifecycle.
	 * @param fetch starts the first fetch, in the background
	 */
	InitialKeyFetch(Runnable fetch) {
		this.fetch = fetch;
	}

	@Override
	public void start() {
		if (!this.running) {
			this.running = true;
			this.fetch.run();
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// after the web server (WebServerStartStopLifecycle: DEFAULT_PHASE - 1024)
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
