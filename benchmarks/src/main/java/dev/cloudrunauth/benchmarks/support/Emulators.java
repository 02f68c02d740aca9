package dev.cloudrunauth.benchmarks.support;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import com.google.auth.oauth2.ComputeEngineCredentials;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.calling.IdTokenClientHttpRequestInterceptor;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Wiring shared by the measurements: credentials of the emulator's metadata server,
 * RestClients, and token signing.
 */
public final class Emulators {

	private Emulators() {
	}

	/**
	 * Return the credentials a service on Cloud Run has (the metadata server), pointed at
	 * the emulator.
	 * @param emulator the emulator
	 * @return the credentials
	 */
	public static ComputeEngineCredentials metadataCredentials(GoogleIdentityEmulator emulator) {
		return ComputeEngineCredentials.newBuilder()
			.setHttpTransportFactory(new EmulatorHttpTransportFactory(emulator))
			.build();
	}

	/**
	 * Return a source builder that mints from the emulator's metadata server.
	 * @param emulator the emulator
	 * @return the builder
	 */
	public static GoogleIdTokenSource.Builder sourceBuilder(GoogleIdentityEmulator emulator) {
		EmulatorHttpTransportFactory transport = new EmulatorHttpTransportFactory(emulator);
		return GoogleIdTokenSource.builder()
			.credentials(ComputeEngineCredentials.newBuilder().setHttpTransportFactory(transport).build())
			.httpTransportFactory(transport);
	}

	/**
	 * Return a RestClient on the JDK HttpClient (HTTP/1.1), with the interceptor if
	 * given.
	 * @param baseUrl the base URL
	 * @param interceptor the starter's interceptor, or {@code null}
	 * @return the client
	 */
	public static RestClient restClient(String baseUrl, IdTokenClientHttpRequestInterceptor interceptor) {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		RestClient.Builder builder = RestClient.builder()
			.requestFactory(new JdkClientHttpRequestFactory(http))
			.baseUrl(baseUrl);
		if (interceptor != null) {
			builder.requestInterceptor(interceptor);
		}
		return builder.build();
	}

	/**
	 * Sign tokens on all cores.
	 * @param count how many
	 * @param sign signs token {@code i}
	 * @return the tokens
	 */
	public static String[] sign(int count, IntFunction<String> sign) {
		int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			String[] tokens = new String[count];
			List<Future<?>> parts = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int first = t;
				parts.add(executor.submit(() -> {
					for (int i = first; i < count; i += threads) {
						tokens[i] = sign.apply(i);
					}
				}));
			}
			for (Future<?> part : parts) {
				part.get();
			}
			return tokens;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			executor.shutdownNow();
		}
	}

	public static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
