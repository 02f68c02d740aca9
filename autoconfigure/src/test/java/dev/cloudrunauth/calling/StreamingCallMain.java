package dev.cloudrunauth.calling;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.InputStreamResource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Run in a child JVM whose heap is smaller than the bodies it sends: an application with
 * the calling auto-configuration posts a body of {@code args[2]} MiB with a
 * {@code RestClient} and a {@code RestTemplate} from Spring Boot's builders to each of
 * {@code args[0]} and {@code args[1]}, writing it as it goes.
 */
public final class StreamingCallMain {

	private static final int CHUNK = 64 * 1024;

	private StreamingCallMain() {
	}

	public static void main(String[] args) throws Exception {
		long size = Long.parseLong(args[2]) * 1024 * 1024;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			RestTemplate restTemplate = context.getBean(RestTemplateBuilder.class).build();
			for (String url : List.of(args[0], args[1])) {
				long start = System.nanoTime();
				restClient.post().uri(url).body((body) -> write(body, size)).retrieve().toBodilessEntity();
				System.out.println("RestClient streamed " + args[2] + " MiB to " + url + " in " + millisSince(start));
				start = System.nanoTime();
				restTemplate.postForEntity(url, new InputStreamResource(new Zeros(size)), Void.class);
				System.out.println("RestTemplate streamed " + args[2] + " MiB to " + url + " in " + millisSince(start));
			}
			System.out.println("max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
		}
	}

	private static String millisSince(long start) {
		return (System.nanoTime() - start) / 1_000_000 + " ms";
	}

	private static void write(OutputStream body, long size) throws java.io.IOException {
		byte[] chunk = new byte[CHUNK];
		for (long written = 0; written < size; written += CHUNK) {
			body.write(chunk);
		}
	}

	/**
	 * A stream of zeros that a message converter reads as it writes.
	 */
	private static final class Zeros extends InputStream {

		private long remaining;

		Zeros(long size) {
			this.remaining = size;
		}

		@Override
		public int read() {
			if (this.remaining == 0) {
				return -1;
			}
			this.remaining--;
			return 0;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			if (this.remaining == 0) {
				return -1;
			}
			int read = (int) Math.min(length, this.remaining);
			java.util.Arrays.fill(buffer, offset, offset + read, (byte) 0);
			this.remaining -= read;
			return read;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ CloudRunCallingAutoConfiguration.class, HttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
			RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class })
	static class Application {

	}

}
