package dev.cloudrunauth.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The output of a child process, read line by line on a thread of its own as the process
 * writes it, optionally echoed to this process's standard output; a test can wait for a
 * line to appear.
 */
final class ProcessOutput {

	private final Process process;

	private final StringBuffer output = new StringBuffer();

	private final Thread reader;

	ProcessOutput(Process process, @Nullable String echoPrefix) {
		this.process = process;
		this.reader = new Thread(() -> read(echoPrefix), "java-process-output-" + process.pid());
		this.reader.setDaemon(true);
		this.reader.start();
	}

	private void read(@Nullable String echoPrefix) {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				synchronized (this.output) {
					this.output.append(line).append('\n');
					this.output.notifyAll();
				}
				if (echoPrefix != null) {
					System.out.println("[" + echoPrefix + "] " + line);
				}
			}
		}
		catch (IOException ex) {
			// the process was destroyed while we read
		}
		finally {
			synchronized (this.output) {
				this.output.notifyAll();
			}
		}
	}

	Matcher await(Pattern pattern, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.output) {
			while (true) {
				Matcher matcher = pattern.matcher(this.output);
				if (matcher.find()) {
					return matcher;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0 || (!this.process.isAlive() && !this.reader.isAlive())) {
					throw new IllegalStateException("No output matching '" + pattern + "' within " + timeout
							+ (this.process.isAlive() ? "" : " (process exited)") + "; output:\n" + this.output);
				}
				try {
					this.output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	/**
	 * Wait, a few seconds at most, until what the process wrote before it exited has been
	 * read.
	 */
	void drain() throws InterruptedException {
		this.reader.join(TimeUnit.SECONDS.toMillis(5));
	}

	@Override
	public String toString() {
		return this.output.toString();
	}

}
