package dev.cloudrunauth.benchmarks.streaming.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.MediaType;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The client of measurement 9, run in a child JVM with a bounded heap: a Spring Boot app
 * (no web server) that POSTs one large body to a loopback server that discards it, and
 * prints the peak heap during that call. It refers to no class of the starter, so that it
 * runs without it too.
 * <p>
 * System properties: {@code stream.client} = {@code boot} (Boot's
 * {@code RestClient.Builder}), {@code hand} (a {@code RestClient} built by hand on a
 * {@code JdkClientHttpRequestFactory}) or {@code hand-interceptor} (the same with the
 * starter's {@code IdTokenClientHttpRequestInterceptor} bean); {@code stream.body} =
 * {@code streaming} ({@code body(StreamingHttpOutputMessage.Body)}) or {@code resource}
 * (an {@code InputStreamResource}); {@code stream.url}; {@code stream.bytes}.
 */
@SpringBootApplication
public class StreamingClientApplication {

	private static final int CHUNK = 64 * 1024;

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(StreamingClientApplication.class);
		application.setBannerMode(Banner.Mode.OFF);
		application.setWebApplicationType(WebApplicationType.NONE);
		String mode = System.getProperty("stream.client", "boot");
		String body = System.getProperty("stream.body", "streaming");
		String url = System.getProperty("stream.url");
		long bytes = Long.getLong("stream.bytes", 200L * 1024 * 1024);
		try (ConfigurableApplicationContext context = application.run(args)) {
			RestClient client = switch (mode) {
				case "boot" -> context.getBean(RestClient.Builder.class).build();
				case "hand" -> RestClient.builder().requestFactory(new JdkClientHttpRequestFactory()).build();
				case "hand-interceptor" -> RestClient.builder()
					.requestFactory(new JdkClientHttpRequestFactory())
					.requestInterceptor(
							context.getBean("idTokenClientHttpRequestInterceptor", ClientHttpRequestInterceptor.class))
					.build();
				default -> throw new IllegalArgumentException(mode);
			};
			String factory = context.getBeanProvider(ClientHttpRequestFactoryBuilder.class)
				.stream()
				.map((builder) -> builder.build().getClass().getSimpleName())
				.findFirst()
				.orElse("-");
			// first a small call: the token is minted and the classes loaded before the
			// measured one
			send(client, url, body, 1024);
			List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans()
				.stream()
				.filter((pool) -> pool.getType() == MemoryType.HEAP)
				.toList();
			System.gc();
			System.gc();
			long before = heap.stream().mapToLong((pool) -> pool.getUsage().getUsed()).sum();
			heap.forEach(MemoryPoolMXBean::resetPeakUsage);
			long start = System.nanoTime();
			String status;
			try {
				status = send(client, url, body, bytes);
			}
			catch (OutOfMemoryError ex) {
				status = "OutOfMemoryError";
			}
			long millis = (System.nanoTime() - start) / 1_000_000;
			long peak = heap.stream().mapToLong((pool) -> pool.getPeakUsage().getUsed()).sum();
			long max = Runtime.getRuntime().maxMemory();
			System.out.println("STREAM peakBytes=" + peak + " baselineBytes=" + before + " maxHeapBytes=" + max
					+ " millis=" + millis + " status=" + status + " factory=" + factory);
			System.out.flush();
		}
		System.exit(0);
	}

	private static String send(RestClient client, String url, String kind, long bytes) {
		RestClient.RequestBodySpec request = client.post().uri(url).contentType(MediaType.APPLICATION_OCTET_STREAM);
		if (kind.equals("streaming")) {
			request.body((StreamingHttpOutputMessage.Body) (out) -> write(out, bytes));
		}
		else {
			request.body(new InputStreamResource(new Generated(bytes)));
		}
		return String.valueOf(request.retrieve().toBodilessEntity().getStatusCode().value());
	}

	private static void write(OutputStream out, long bytes) throws IOException {
		byte[] chunk = new byte[CHUNK];
		for (long left = bytes; left > 0; left -= CHUNK) {
			out.write(chunk, 0, (int) Math.min(CHUNK, left));
		}
	}

	/**
	 * A stream of zeros of a given length, without holding them.
	 */
	static final class Generated extends InputStream {

		private long left;

		Generated(long bytes) {
			this.left = bytes;
		}

		@Override
		public int read() {
			if (this.left <= 0) {
				return -1;
			}
			this.left--;
			return 0;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			if (this.left <= 0) {
				return -1;
			}
			int n = (int) Math.min(length, this.left);
			java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
			this.left -= n;
			return n;
		}

	}

}
