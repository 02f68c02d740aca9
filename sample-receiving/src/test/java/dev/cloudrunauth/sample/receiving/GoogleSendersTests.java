package dev.cloudrunauth.sample.receiving;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.senders.CloudScheduler;
import dev.cloudrunauth.test.senders.CloudTasks;
import dev.cloudrunauth.test.senders.Eventarc;
import dev.cloudrunauth.test.senders.GoogleSender;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.Authentication;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cloud Tasks, Cloud Scheduler and Eventarc calling endpoints of the sample's that a path
 * rule each opens to its own service account only, over HTTP, with the default audience
 * of each: the target URL. The parameters name how to build each sender from the
 * emulator, so that they need no emulator of their own and the one of
 * {@link AutoConfigureGoogleIdentity} signs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = { "server.address=127.0.0.1",
		"cloudrun.auth.receiving.allowed-callers=calling@demo.iam.gserviceaccount.com",
		"cloudrun.auth.receiving.paths.tasks.pattern=/tasks/{queue}",
		"cloudrun.auth.receiving.paths.tasks.audiences=/tasks/orders",
		"cloudrun.auth.receiving.paths.tasks.allowed-callers=" + GoogleSendersTests.TASKS,
		"cloudrun.auth.receiving.paths.scheduler.pattern=/jobs/nightly",
		"cloudrun.auth.receiving.paths.scheduler.audiences=/jobs/nightly",
		"cloudrun.auth.receiving.paths.scheduler.allowed-callers=" + GoogleSendersTests.SCHEDULER,
		"cloudrun.auth.receiving.paths.eventarc.pattern=/", "cloudrun.auth.receiving.paths.eventarc.audiences=/",
		"cloudrun.auth.receiving.paths.eventarc.allowed-callers=" + GoogleSendersTests.TRIGGER })
@AutoConfigureGoogleIdentity
class GoogleSendersTests {

	static final String TASKS = "tasks@demo.iam.gserviceaccount.com";

	static final String SCHEDULER = "scheduler@demo.iam.gserviceaccount.com";

	static final String TRIGGER = "trigger@demo.iam.gserviceaccount.com";

	static final String CALLER = "calling@demo.iam.gserviceaccount.com";

	static final int PORT = freePort();

	static final String SERVICE = "http://127.0.0.1:" + PORT;

	@Autowired
	GoogleIdentityEmulator emulator;

	@DynamicPropertySource
	static void service(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("cloudrun.auth.receiving.audiences", () -> SERVICE);
	}

	static Stream<Arguments> senders() {
		return Stream.of(
				sender("Cloud Tasks", (emulator, account) -> CloudTasks.from(emulator, account).queue("orders"),
						SERVICE + "/tasks/orders", TASKS, "task orders/"),
				sender("Cloud Scheduler", CloudScheduler::from, SERVICE + "/jobs/nightly", SCHEDULER,
						"job Google-Cloud-Scheduler"),
				sender("Eventarc", Eventarc::from, SERVICE, TRIGGER,
						"event google.cloud.pubsub.topic.v1.messagePublished"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("senders")
	void theSendersOwnAccountIsAccepted(String name, BiFunction<GoogleIdentityEmulator, String, GoogleSender<?>> sender,
			String url, String account, String answer) {
		HttpResponse<String> response = sender.apply(this.emulator, account).to(url);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith(answer).endsWith(" from " + account);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("senders")
	void anotherAccountGets403(String name, BiFunction<GoogleIdentityEmulator, String, GoogleSender<?>> sender,
			String url, String account, String answer) {
		assertThat(sender.apply(this.emulator, CALLER).to(url).statusCode()).isEqualTo(403);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("senders")
	void aTokenForAnotherAudienceGets401(String name,
			BiFunction<GoogleIdentityEmulator, String, GoogleSender<?>> sender, String url, String account,
			String answer) {
		assertThat(sender.apply(this.emulator, account).audience(SERVICE + "/other").to(url).statusCode())
			.isEqualTo(401);
		assertThat(sender.apply(this.emulator, account).to(SERVICE + "/hello").statusCode()).isEqualTo(401);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("senders")
	void aForgedOrConfusedTokenGets401(String name, BiFunction<GoogleIdentityEmulator, String, GoogleSender<?>> sender,
			String url, String account, String answer) {
		String forged;
		try (GoogleIdentityEmulator impostor = GoogleIdentityEmulator.start()) {
			forged = impostor.idToken(url.equals(SERVICE) ? SERVICE + "/" : url)
				.header("kid", this.emulator.keys().signingKeyId())
				.serviceAccount(impostor.serviceAccount(account))
				.sign();
		}
		assertThat(sender.apply(this.emulator, account).token(forged).to(url).statusCode()).isEqualTo(401);
		byte[] publicKey = this.emulator.keys().publicKey(this.emulator.keys().signingKeyId()).getEncoded();
		assertThat(sender.apply(this.emulator, account)
			.signedWith((token) -> token.signWithHmac(publicKey))
			.to(url)
			.statusCode()).isEqualTo(401);
	}

	private static Arguments sender(String name, BiFunction<GoogleIdentityEmulator, String, GoogleSender<?>> sender,
			String url, String account, String answer) {
		return Arguments.of(name, sender, url, account, answer);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@RestController
	static class GoogleCallersController {

		@PostMapping("/tasks/{queue}")
		String task(@PathVariable String queue, @RequestHeader("X-CloudTasks-TaskName") String task,
				Authentication caller) {
			return "task " + queue + "/" + task + " from " + caller.getName();
		}

		@PostMapping("/jobs/nightly")
		String job(@RequestHeader("User-Agent") String userAgent, Authentication caller) {
			return "job " + userAgent + " from " + caller.getName();
		}

		@PostMapping("/")
		String event(@RequestHeader("ce-type") String type, @RequestHeader("ce-id") List<String> ids,
				Authentication caller) {
			return "event " + type + " " + ids.get(0) + " from " + caller.getName();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	@Import(GoogleCallersController.class)
	static class Controllers {

	}

}
