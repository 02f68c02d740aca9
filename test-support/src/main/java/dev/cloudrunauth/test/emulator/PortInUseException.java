package dev.cloudrunauth.test.emulator;

import java.io.UncheckedIOException;
import java.net.BindException;

/**
 * An endpoint could not listen on its fixed port because something else already does.
 */
final class PortInUseException extends UncheckedIOException {

	private final int port;

	private final EmulatorEndpoint endpoint;

	PortInUseException(int port, EmulatorEndpoint endpoint, BindException cause) {
		super("Cannot listen on 127.0.0.1:" + port + " for " + endpoint + ": port already in use", cause);
		this.port = port;
		this.endpoint = endpoint;
	}

	int port() {
		return this.port;
	}

	EmulatorEndpoint endpoint() {
		return this.endpoint;
	}

}
