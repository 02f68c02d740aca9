package dev.cloudrunauth.sample.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts a sample service, as a {@code java -jar} process or as a container.
 */
interface ServiceLauncher {

	/**
	 * Start a sample; wait for {@link Service#STARTED} before using it.
	 * @param sample {@code sample-receiving} or {@code sample-calling}
	 * @param environment environment variables
	 * @param arguments command-line arguments
	 * @param files files to make available to the service (key files), by the path the
	 * service sees
	 * @return the running service
	 */
	Service start(String sample, Map<String, String> environment, List<String> arguments, List<Path> files);

	/**
	 * A running sample service.
	 */
	interface Service extends AutoCloseable {

		Pattern STARTED = Pattern.compile("Started \\w+Application in");

		Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

		/**
		 * Wait for a line of output.
		 * @param pattern what to wait for
		 * @param timeout how long
		 * @return the first group of the match, or the whole match
		 */
		String awaitOutput(Pattern pattern, Duration timeout);

		/**
		 * Return the output so far.
		 * @return the output
		 */
		String output();

		@Override
		void close();

	}

}
