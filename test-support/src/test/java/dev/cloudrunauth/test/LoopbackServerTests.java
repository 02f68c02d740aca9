package dev.cloudrunauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;

class LoopbackServerTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void listensOnLoopbackOnly() throws Exception {
		try (LoopbackServer server = LoopbackServer.start()) {
			assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
			assertThat(get(server.url() + "/").statusCode()).isEqualTo(200);
			List<InetAddress> others = nonLoopbackAddresses();
			assumeThat(others).as("an interface other than loopback to try").isNotEmpty();
			for (InetAddress address : others) {
				try (Socket socket = new Socket()) {
					assertThatExceptionOfType(ConnectException.class).as("connection to %s", address)
						.isThrownBy(() -> socket.connect(new InetSocketAddress(address, server.port()), 2000));
				}
			}
		}
	}

	@Test
	void recordsMethodPathQueryHeadersAndBody() throws Exception {
		try (LoopbackServer server = LoopbackServer.start()) {
			Instant before = Instant.now();
			URI uri = URI.create(server.url() + "/up%20load?a=1&b=2");
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri)
				.header("Authorization", "Bearer secret-token-value")
				.header("X-Many", "one")
				.header("X-Many", "two")
				.POST(HttpRequest.BodyPublishers.ofString("hello"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("ok");
			RecordedRequest request = server.onlyRequest();
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.path()).isEqualTo("/up load");
			assertThat(request.uri().getRawQuery()).isEqualTo("a=1&b=2");
			assertThat(request.header("authorization")).isEqualTo("Bearer secret-token-value");
			assertThat(request.bearerToken("AUTHORIZATION")).isEqualTo("secret-token-value");
			assertThat(request.headers("x-many")).containsExactly("one", "two");
			assertThat(request.header("X-Absent")).isNull();
			assertThat(request.headers("X-Absent")).isEmpty();
			assertThat(request.body()).isEqualTo("hello");
			assertThat(request.bodyLength()).isEqualTo(5);
			assertThat(request.bodyComplete()).isTrue();
			assertThat(request.receivedAt()).isBetween(before, Instant.now());
			assertThat(request.toString()).contains("POST", "/up load", "authorization").doesNotContain("secret");
			assertThat(server.requestCount()).isEqualTo(1);
		}
	}

	@Test
	void bodiesLongerThanWhatIsKeptAreCountedInFull() throws Exception {
		int length = RecordedRequest.MAX_RETAINED_BODY * 3 + 7;
		try (LoopbackServer server = LoopbackServer.start()) {
			this.http.send(HttpRequest.newBuilder(URI.create(server.url() + "/big"))
				.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[length]))
				.build(), HttpResponse.BodyHandlers.discarding());
			RecordedRequest request = server.onlyRequest();
			assertThat(request.bodyLength()).isEqualTo(length);
			assertThat(request.body()).hasSize(RecordedRequest.MAX_RETAINED_BODY);
			assertThat(request.bodyComplete()).isFalse();
		}
	}

	@Test
	void answersWithWhatTheHandlerReturns() throws Exception {
		LoopbackServer.Handler handler = (request) -> LoopbackResponse
			.json(201, "{\"path\":\"" + request.path() + "\"}")
			.withHeader("X-Answer", "42");
		try (LoopbackServer server = LoopbackServer.start(handler)) {
			HttpResponse<String> response = get(server.url() + "/things");
			assertThat(response.statusCode()).isEqualTo(201);
			assertThat(response.body()).isEqualTo("{\"path\":\"/things\"}");
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=UTF-8");
			assertThat(response.headers().firstValue("X-Answer")).hasValue("42");
		}
	}

	@Test
	void aResponseSetForAPathWinsOverTheHandlerUntilCleared() throws Exception {
		try (LoopbackServer server = LoopbackServer.start()) {
			server.respond("/moved", LoopbackResponse.status(302).withHeader("Location", server.url() + "/here"));
			HttpResponse<String> moved = get(server.url() + "/moved");
			assertThat(moved.statusCode()).isEqualTo(302);
			assertThat(moved.headers().firstValue("Location")).hasValue(server.url() + "/here");
			assertThat(get(server.url() + "/other").statusCode()).isEqualTo(200);
			assertThat(server.requests()).extracting(RecordedRequest::path).containsExactly("/moved", "/other");
			server.clear();
			assertThat(server.requests()).isEmpty();
			assertThat(server.requestCount()).isZero();
			assertThat(get(server.url() + "/moved").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aHandlerThatThrowsIsAnswered500AndTheRequestStillRecorded() throws Exception {
		try (LoopbackServer server = LoopbackServer.start((request) -> {
			throw new IOException("broken");
		})) {
			HttpResponse<String> response = get(server.url() + "/");
			assertThat(response.statusCode()).isEqualTo(500);
			assertThat(response.body()).isEmpty();
			assertThat(server.requests()).hasSize(1);
		}
	}

	@Test
	void headRequestsGetHeadersWithoutABody() throws Exception {
		try (LoopbackServer server = LoopbackServer.start()) {
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(server.url() + "/"))
				.method("HEAD", HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEmpty();
			assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=UTF-8");
		}
	}

	@Test
	void aServerThatDoesNotRecordOnlyCounts() throws Exception {
		try (LoopbackServer server = LoopbackServer.builder().recording(false).start()) {
			get(server.url() + "/a");
			get(server.url() + "/b");
			assertThat(server.requestCount()).isEqualTo(2);
			assertThatIllegalStateException().isThrownBy(server::requests).withMessageContaining("requestCount()");
		}
	}

	@Test
	void handlesNoMoreRequestsAtOnceThanItHasThreads() throws Exception {
		AtomicInteger inHandler = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		LoopbackServer.Handler handler = (request) -> {
			mostAtOnce.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
			try {
				release.await(10, TimeUnit.SECONDS);
				return LoopbackResponse.status(204);
			}
			finally {
				inHandler.decrementAndGet();
			}
		};
		try (LoopbackServer server = LoopbackServer.builder().threads(2).handler(handler).start()) {
			List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				calls.add(this.http.sendAsync(HttpRequest.newBuilder(URI.create(server.url() + "/" + i)).build(),
						HttpResponse.BodyHandlers.discarding()));
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (inHandler.get() < 2 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			Thread.sleep(300);
			assertThat(mostAtOnce.get()).isEqualTo(2);
			release.countDown();
			for (CompletableFuture<HttpResponse<Void>> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
			}
			assertThat(mostAtOnce.get()).isEqualTo(2);
			assertThat(server.requestCount()).isEqualTo(5);
		}
	}

	@Test
	void closingFreesThePort() throws Exception {
		LoopbackServer server = LoopbackServer.start();
		int port = server.port();
		server.close();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> get("http://127.0.0.1:" + port + "/"));
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

	@Test
	void listensOnAFixedPortAndSaysWhenItIsTaken() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = free.getLocalPort();
		}
		try (LoopbackServer server = LoopbackServer.builder().port(port).start()) {
			assertThat(server.port()).isEqualTo(port);
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> LoopbackServer.builder().port(port).start())
				.withMessageContaining("127.0.0.1:" + port)
				.withCauseInstanceOf(BindException.class);
		}
	}

	private HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
		List<InetAddress> addresses = new ArrayList<>();
		for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (network.isUp() && !network.isLoopback()) {
				Collections.list(network.getInetAddresses())
					.stream()
					.filter((address) -> address instanceof Inet4Address && !address.isLinkLocalAddress())
					.forEach(addresses::add);
			}
		}
		return addresses;
	}

}
