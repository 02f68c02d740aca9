package dev.cloudrunauth.test.senders;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each sender puts on the wire, as received by a loopback server: method, path,
 * headers, body, and an RS256 token of the sender's account, signed by the emulator, for
 * the URL called.
 */
class SendersTests {

	static final String ACCOUNT = "sender@emulator-project.iam.gserviceaccount.com";

	static GoogleIdentityEmulator emulator;

	static LoopbackServer server;

	@BeforeAll
	static void start() {
		emulator = GoogleIdentityEmulator.start();
		server = LoopbackServer.start();
	}

	@AfterAll
	static void stop() {
		server.close();
		emulator.close();
	}

	@Test
	void pubSubPushPostsTheWrappedMessageWithATokenForThePushEndpoint() throws Exception {
		server.clear();
		String url = server.url() + "/events/pubsub";
		int status = PubSubPush.from(emulator, ACCOUNT)
			.message("{\"orderId\":42}")
			.attributes(Map.of("kind", "order"))
			.orderingKey("customer-7")
			.subscription("projects/p/subscriptions/orders")
			.to(url)
			.statusCode();
		assertThat(status).isEqualTo(200);
		RecordedRequest request = server.onlyRequest();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.path()).isEqualTo("/events/pubsub");
		assertThat(request.header("Content-Type")).isEqualTo("application/json");
		Map<String, Object> body = JSONObjectUtils.parse(request.body());
		assertThat(body).containsEntry("subscription", "projects/p/subscriptions/orders");
		Map<String, Object> message = JSONObjectUtils.getJSONObject(body, "message");
		assertThat(new String(Base64.getDecoder().decode((String) message.get("data")), StandardCharsets.UTF_8))
			.isEqualTo("{\"orderId\":42}");
		assertThat(message).containsEntry("attributes", Map.of("kind", "order"))
			.containsEntry("orderingKey", "customer-7")
			.containsKeys("messageId", "publishTime");
		assertToken(request, url);
	}

	@Test
	void pubSubPushWithAnAudienceMintsForIt() throws Exception {
		server.clear();
		PubSubPush.from(emulator, ACCOUNT).audience("orders-push").to(server.url() + "/events/pubsub");
		assertToken(server.onlyRequest(), "orders-push");
	}

	@Test
	void cloudTasksSendsItsHeadersAndATokenForTheTargetUrl() throws Exception {
		server.clear();
		String url = server.url() + "/tasks/orders";
		CloudTasks.from(emulator, ACCOUNT)
			.queue("orders")
			.taskName("1234")
			.retry(2, 1, 503)
			.body("application/json", "{}")
			.to(url);
		RecordedRequest request = server.onlyRequest();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.header("X-CloudTasks-QueueName")).isEqualTo("orders");
		assertThat(request.header("X-CloudTasks-TaskName")).isEqualTo("1234");
		assertThat(request.header("X-CloudTasks-TaskRetryCount")).isEqualTo("2");
		assertThat(request.header("X-CloudTasks-TaskExecutionCount")).isEqualTo("1");
		assertThat(request.header("X-CloudTasks-TaskPreviousResponse")).isEqualTo("503");
		assertThat(request.header("Content-Type")).isEqualTo("application/json");
		assertThat(request.body()).isEqualTo("{}");
		assertToken(request, url);
	}

	@Test
	void cloudSchedulerSendsItsUserAgentAndATokenForTheTargetUri() throws Exception {
		server.clear();
		String url = server.url() + "/jobs/nightly";
		CloudScheduler.from(emulator, ACCOUNT).to(url);
		RecordedRequest request = server.onlyRequest();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.header("User-Agent")).isEqualTo("Google-Cloud-Scheduler");
		assertToken(request, url);
	}

	@Test
	void eventarcPostsABinaryCloudEventToTheRoot() throws Exception {
		server.clear();
		Eventarc.from(emulator, ACCOUNT).id("event-1").message("hello").to(server.url());
		RecordedRequest request = server.onlyRequest();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.path()).isEqualTo("/");
		assertThat(request.header("ce-id")).isEqualTo("event-1");
		assertThat(request.header("ce-specversion")).isEqualTo("1.0");
		assertThat(request.header("ce-type")).isEqualTo("google.cloud.pubsub.topic.v1.messagePublished");
		assertThat(request.header("ce-source")).startsWith("//pubsub.googleapis.com/projects/");
		assertThat(request.header("ce-time")).isNotBlank();
		assertThat(request.header("Content-Type")).isEqualTo("application/json");
		assertThat(JSONObjectUtils.parse(request.body())).containsKeys("message", "subscription");
		assertToken(request, server.url() + "/");
	}

	@Test
	void aSenderSendsTheTokenItIsGivenOrSignsAsTold() throws Exception {
		server.clear();
		CloudScheduler.from(emulator, ACCOUNT).token("given").to(server.url() + "/jobs");
		assertThat(server.onlyRequest().bearerToken("Authorization")).isEqualTo("given");
		server.clear();
		CloudScheduler.from(emulator, ACCOUNT)
			.signedWith(IdTokenBuilder::signWithSignatureRemovedByGoogle)
			.to(server.url() + "/jobs");
		assertThat(server.onlyRequest().bearerToken("Authorization"))
			.endsWith("." + IdTokenBuilder.SIGNATURE_REMOVED_BY_GOOGLE);
	}

	private static void assertToken(RecordedRequest request, String audience) throws Exception {
		SignedJWT jwt = SignedJWT.parse(request.bearerToken("Authorization"));
		assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		assertThat(jwt.verify(new RSASSAVerifier(emulator.keys().publicKey(jwt.getHeader().getKeyID())))).isTrue();
		assertThat(jwt.getJWTClaimsSet().getAudience()).isEqualTo(List.of(audience));
		assertThat(jwt.getJWTClaimsSet().getStringClaim("email")).isEqualTo(ACCOUNT);
		assertThat(jwt.getJWTClaimsSet().getBooleanClaim("email_verified")).isTrue();
	}

}
