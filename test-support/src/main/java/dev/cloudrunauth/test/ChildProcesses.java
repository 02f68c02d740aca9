package dev.cloudrunauth.test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Stops, when this JVM exits, the processes it started that are still running: the JVM
 * does not do it itself, and a service left running would hold its port for the next
 * build.
 */
final class ChildProcesses {

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "java-process-children"));
	}

	private ChildProcesses() {
	}

	static void register(Process process) {
		running.add(process);
		process.onExit().thenRun(() -> running.remove(process));
	}

	private static void stopAll() {
		for (Process process : running) {
			process.toHandle().destroy();
		}
		for (Process process : running) {
			try {
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
			}
		}
	}

}
