package dev.cloudrunauth.sample.receiving;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.senders.PubSubPush;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /events/pubsub} as Pub/Sub pushes to it, over HTTP: the service listens on
 * a port known in advance, so that its URL is its audience and the push endpoint's URL
 * the push token's, as on Cloud Run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = { "server.address=127.0.0.1",
				"cloudrun.auth.receiving.allowed-callers=calling@demo.iam.gserviceaccount.com",
				"sample.pubsub-push-service-account=" + PubSubPushTests.PUSH })
@AutoConfigureGoogleIdentity
class PubSubPushTests {

	static final String PUSH = "push@demo.iam.gserviceaccount.com";

	static final String CALLER = "calling@demo.iam.gserviceaccount.com";

	static final int PORT = freePort();

	static final String SERVICE = "http://127.0.0.1:" + PORT;

	static final String PUSH_ENDPOINT = SERVICE + "/events/pubsub";

	@Autowired
	GoogleIdentityEmulator google;

	@DynamicPropertySource
	static void service(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("cloudrun.auth.receiving.audiences", () -> SERVICE);
	}

	@Test
	void aPushFromTheSubscriptionsAccountIsDecodedAndAcknowledged() {
		HttpResponse<String> response = push().message("{\"orderId\":42}")
			.messageId("2070443601311540")
			.attributes(Map.of("kind", "order"))
			.subscription("projects/demo/subscriptions/orders")
			.to(PUSH_ENDPOINT);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"messageId\":\"2070443601311540\",\"subscription\":"
				+ "\"projects/demo/subscriptions/orders\",\"attributes\":{\"kind\":\"order\"},\"bytes\":14}");
	}

	@Test
	void aPushFromAnotherAccountGets403() {
		assertThat(PubSubPush.from(this.google, CALLER).to(PUSH_ENDPOINT).statusCode()).isEqualTo(403);
	}

	@Test
	void theServiceUrlTokenIsRefusedOnThePushPathAndThePushTokenEverywhereElse() {
		HttpResponse<String> serviceToken = push().audience(SERVICE).to(PUSH_ENDPOINT);
		assertThat(serviceToken.statusCode()).isEqualTo(401);
		assertThat(serviceToken.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).contains("The token's audience is not accepted"));
		HttpResponse<String> pushTokenElsewhere = PubSubPush.from(this.google, CALLER)
			.audience(PUSH_ENDPOINT)
			.to(SERVICE + "/hello");
		assertThat(pushTokenElsewhere.statusCode()).isEqualTo(401);
	}

	@Test
	void aForgedOrConfusedPushTokenGets401() {
		String forged;
		try (GoogleIdentityEmulator impostor = GoogleIdentityEmulator.start()) {
			forged = impostor.idToken(PUSH_ENDPOINT)
				.header("kid", this.google.keys().signingKeyId())
				.serviceAccount(impostor.serviceAccount(PUSH))
				.sign();
		}
		assertThat(push().token(forged).to(PUSH_ENDPOINT).statusCode()).isEqualTo(401);
		byte[] publicKey = this.google.keys().publicKey(this.google.keys().signingKeyId()).getEncoded();
		assertThat(push().signedWith((token) -> token.signWithHmac(publicKey)).to(PUSH_ENDPOINT).statusCode())
			.isEqualTo(401);
		assertThat(push().signedWith(IdTokenBuilder::unsigned).to(PUSH_ENDPOINT).statusCode()).isEqualTo(401);
	}

	@Test
	void aBrokenEnvelopeGets400AsProblemDetails() {
		for (String broken : new String[] { "{\"message\":", "{\"subscription\":\"projects/demo/subscriptions/s\"}",
				"{\"message\":{\"messageId\":\"1\",\"data\":\"not base64!\"},\"subscription\":\"s\"}", "[]" }) {
			HttpResponse<String> response = push().rawBody(broken).to(PUSH_ENDPOINT);
			assertThat(response.statusCode()).as(broken).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).as(broken).hasValue("application/problem+json");
			assertThat(response.body()).as(broken).contains("\"status\":400");
		}
	}

	private PubSubPush push() {
		return PubSubPush.from(this.google, PUSH);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
