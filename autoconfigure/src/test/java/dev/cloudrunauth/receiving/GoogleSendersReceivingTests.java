package dev.cloudrunauth.receiving;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.senders.CloudScheduler;
import dev.cloudrunauth.test.senders.CloudTasks;
import dev.cloudrunauth.test.senders.Eventarc;
import dev.cloudrunauth.test.senders.GoogleSender;
import dev.cloudrunauth.test.senders.PubSubPush;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each of test-support's senders, replayed byte for byte (method, path, headers, body)
 * into servlet and WebFlux applications whose path rules admit the sender's own account
 * with a token for the URL it calls, through the real decoder: valid, wrong caller, wrong
 * audience, forged key, wrong algorithm.
 */
class GoogleSendersReceivingTests {

	static final String SERVICE = "https://orders-123456789012.us-central1.run.app";

	static final String PUSH = "push@proj.iam.gserviceaccount.com";

	static final String TASKS = "tasks@proj.iam.gserviceaccount.com";

	static final String SCHEDULER = "scheduler@proj.iam.gserviceaccount.com";

	static final String TRIGGER = "trigger@proj.iam.gserviceaccount.com";

	static final String FRONTEND = "frontend@proj.iam.gserviceaccount.com";

	static final String[] RULES = { "cloudrun.auth.receiving.allowed-callers=" + FRONTEND,
			"cloudrun.auth.receiving.paths.pubsub.pattern=/events/pubsub",
			"cloudrun.auth.receiving.paths.pubsub.audiences=/events/pubsub",
			"cloudrun.auth.receiving.paths.pubsub.allowed-callers=" + PUSH,
			"cloudrun.auth.receiving.paths.tasks.pattern=/tasks/{queue}",
			"cloudrun.auth.receiving.paths.tasks.audiences=/tasks/orders",
			"cloudrun.auth.receiving.paths.tasks.allowed-callers=" + TASKS,
			"cloudrun.auth.receiving.paths.scheduler.pattern=/jobs/nightly",
			"cloudrun.auth.receiving.paths.scheduler.audiences=/jobs/nightly",
			"cloudrun.auth.receiving.paths.scheduler.allowed-callers=" + SCHEDULER,
			"cloudrun.auth.receiving.paths.eventarc.pattern=/", "cloudrun.auth.receiving.paths.eventarc.audiences=/",
			"cloudrun.auth.receiving.paths.eventarc.allowed-callers=" + TRIGGER };

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	static Stream<Arguments> cases() {
		List<Sender> senders = List.of(
				new Sender("Pub/Sub push", (account) -> PubSubPush.from(google.emulator(), account).message("{}"),
						SERVICE + "/events/pubsub", PUSH),
				new Sender("Cloud Tasks", (account) -> CloudTasks.from(google.emulator(), account).queue("orders"),
						SERVICE + "/tasks/orders", TASKS),
				new Sender("Cloud Scheduler", (account) -> CloudScheduler.from(google.emulator(), account),
						SERVICE + "/jobs/nightly", SCHEDULER),
				new Sender("Eventarc", (account) -> Eventarc.from(google.emulator(), account), SERVICE, TRIGGER));
		byte[] publicKey = google.emulator().keys().publicKey(google.emulator().keys().signingKeyId()).getEncoded();
		List<Case> cases = List.of(new Case("its own account", (sender, url) -> sender, 200, null),
				new Case("another account", (sender, url) -> sender, 403, null),
				new Case("another audience", (sender, url) -> sender.audience(SERVICE + "/other"), 401,
						RejectionReason.AUDIENCE),
				new Case("a forged key", (sender, url) -> sender.token(forged(sender, url)), 401,
						RejectionReason.SIGNATURE),
				new Case("HS256 keyed with the public key",
						(sender, url) -> sender.signedWith((token) -> token.signWithHmac(publicKey)), 401,
						RejectionReason.ALGORITHM));
		List<Arguments> arguments = new ArrayList<>();
		for (Stack stack : Stack.values()) {
			for (Sender sender : senders) {
				for (Case each : cases) {
					arguments.add(Arguments.of(sender, each, stack));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} with {1} ({2})")
	@MethodSource("cases")
	void theSendersRequestGetsItsStatus(Sender sender, Case each, Stack stack) {
		String account = each.name().equals("another account") ? FRONTEND : sender.account();
		HttpRequest request = each.change().apply(sender.sender().apply(account), sender.url()).request(sender.url());
		Result result = stack.send(request);
		assertThat(result.status()).isEqualTo(each.status());
		if (each.reason() != null) {
			assertThat(result.challenge()).contains(each.reason().description());
		}
	}

	/**
	 * Return a token for the URL the sender calls, signed by another emulator's key under
	 * the id of this one's.
	 */
	private static String forged(GoogleSender<?> sender, String url) {
		String audience = sender.request(url).uri().toString();
		try (GoogleIdentityEmulator impostor = GoogleIdentityEmulator.start()) {
			return impostor.idToken(audience)
				.header("kid", google.emulator().keys().signingKeyId())
				.serviceAccount(sender.serviceAccount())
				.sign();
		}
	}

	static byte[] body(HttpRequest request) {
		if (request.bodyPublisher().isEmpty()) {
			return new byte[0];
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		CompletableFuture<Void> done = new CompletableFuture<>();
		request.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(ByteBuffer item) {
				byte[] bytes = new byte[item.remaining()];
				item.get(bytes);
				body.write(bytes, 0, bytes.length);
			}

			@Override
			public void onError(Throwable throwable) {
				done.completeExceptionally(throwable);
			}

			@Override
			public void onComplete() {
				done.complete(null);
			}

		});
		done.join();
		return body.toByteArray();
	}

	record Sender(String name, Function<String, GoogleSender<?>> sender, String url, String account) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	record Case(String name, BiFunction<GoogleSender<?>, String, GoogleSender<?>> change, int status,
			@Nullable RejectionReason reason) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	record Result(int status, @Nullable String challenge) {
	}

	enum Stack {

		SERVLET {

			@Override
			Result send(HttpRequest request) {
				Result[] result = new Result[1];
				ReceivingContexts.servlet(google.emulator(), SERVICE)
					.withUserConfiguration(ServletControllers.class)
					.withPropertyValues(RULES)
					.run((context) -> {
						assertThat(context).hasNotFailed();
						MockHttpServletRequestBuilder replay = MockMvcRequestBuilders
							.request(HttpMethod.valueOf(request.method()), URI.create(request.uri().getRawPath()))
							.content(body(request));
						request.headers().map().forEach((name, values) -> replay.header(name, values.toArray()));
						MockHttpServletResponse response = ReceivingContexts.mockMvc(context)
							.perform(replay)
							.andReturn()
							.getResponse();
						result[0] = new Result(response.getStatus(), response.getHeader("WWW-Authenticate"));
					});
				return result[0];
			}

		},

		REACTIVE {

			@Override
			Result send(HttpRequest request) {
				Result[] result = new Result[1];
				ReceivingContexts.reactive(google.emulator(), SERVICE)
					.withUserConfiguration(ReactiveControllers.class)
					.withPropertyValues(RULES)
					.run((context) -> {
						assertThat(context).hasNotFailed();
						var response = ReceivingContexts.webTestClient(context)
							.method(HttpMethod.valueOf(request.method()))
							.uri(URI.create(request.uri().getRawPath()))
							.headers((headers) -> request.headers().map().forEach(headers::addAll))
							.bodyValue(body(request))
							.exchange()
							.returnResult(byte[].class);
						result[0] = new Result(response.getStatus().value(),
								response.getResponseHeaders().getFirst("WWW-Authenticate"));
					});
				return result[0];
			}

		};

		abstract Result send(HttpRequest request);

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	@RestController
	static class ServletCallers {

		@PostMapping({ "/events/pubsub", "/tasks/{queue}", "/jobs/nightly", "/" })
		String receive(Authentication caller) {
			return "from " + caller.getName();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ServletCallers.class)
	static class ServletControllers {

	}

	@RestController
	static class ReactiveCallers {

		@PostMapping({ "/events/pubsub", "/tasks/{queue}", "/jobs/nightly", "/" })
		Mono<String> receive(Mono<Authentication> caller) {
			return caller.map((authentication) -> "from " + authentication.getName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ReactiveCallers.class)
	static class ReactiveControllers {

	}

}
