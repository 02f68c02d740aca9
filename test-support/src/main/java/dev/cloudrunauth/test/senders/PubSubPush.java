package dev.cloudrunauth.test.senders;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.jspecify.annotations.Nullable;

/**
 * Calls a push endpoint as an authenticated Pub/Sub push subscription does: {@code POST}
 * of the wrapped message as JSON, {@code Authorization: Bearer} with an ID token of the
 * subscription's service account ({@code --push-auth-service-account}) whose {@code aud}
 * is the push endpoint URL, path included, unless an {@link #audience(String) audience}
 * ({@code --push-auth-token-audience}) is set: <pre class="code">
 * HttpResponse&lt;String&gt; response = PubSubPush.from(emulator, "push@my-project.iam.gserviceaccount.com")
 * 	.message("{\"orderId\":42}")
 * 	.attributes(Map.of("kind", "order"))
 * 	.to("http://127.0.0.1:" + port + "/events/pubsub");
 * </pre> A 2xx response acknowledges the message; Pub/Sub retries on anything else.
 */
public final class PubSubPush extends GoogleSender<PubSubPush> {

	private final PushEnvelope envelope;

	private @Nullable String rawBody;

	private PubSubPush(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		super(emulator, serviceAccountEmail);
		this.envelope = new PushEnvelope("projects/" + emulator.projectId() + "/subscriptions/push");
	}

	/**
	 * Return a sender of pushes from a subscription that authenticates as the given
	 * service account.
	 * @param emulator the emulator that mints the tokens
	 * @param serviceAccountEmail the subscription's {@code --push-auth-service-account}
	 * @return the sender
	 */
	public static PubSubPush from(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		return new PubSubPush(emulator, serviceAccountEmail);
	}

	/**
	 * Push a message with this data, UTF-8 encoded (sent base64-encoded). Default: empty.
	 * @param data the data
	 * @return this sender
	 */
	public PubSubPush message(String data) {
		return message(Objects.requireNonNull(data, "data cannot be null").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Push a message with this data (sent base64-encoded). Default: empty.
	 * @param data the data
	 * @return this sender
	 */
	public PubSubPush message(byte[] data) {
		this.envelope.data = Objects.requireNonNull(data, "data cannot be null").clone();
		return this;
	}

	/**
	 * Give the message these attributes. Default: none.
	 * @param attributes the attributes
	 * @return this sender
	 */
	public PubSubPush attributes(Map<String, String> attributes) {
		this.envelope.attributes = Map.copyOf(attributes);
		return this;
	}

	/**
	 * Give the message this id. Default: a random number, as Pub/Sub's.
	 * @param messageId the id
	 * @return this sender
	 */
	public PubSubPush messageId(String messageId) {
		this.envelope.messageId = Objects.requireNonNull(messageId, "messageId cannot be null");
		return this;
	}

	/**
	 * Give the message this publish time. Default: now.
	 * @param publishTime the time
	 * @return this sender
	 */
	public PubSubPush publishTime(Instant publishTime) {
		this.envelope.publishTime = Objects.requireNonNull(publishTime, "publishTime cannot be null");
		return this;
	}

	/**
	 * Give the message this ordering key, as a subscription with message ordering does.
	 * Default: none.
	 * @param orderingKey the key
	 * @return this sender
	 */
	public PubSubPush orderingKey(String orderingKey) {
		this.envelope.orderingKey = Objects.requireNonNull(orderingKey, "orderingKey cannot be null");
		return this;
	}

	/**
	 * Add {@code deliveryAttempt}, as a subscription with a dead-letter topic does.
	 * Default: absent.
	 * @param deliveryAttempt the attempt, from 1
	 * @return this sender
	 */
	public PubSubPush deliveryAttempt(int deliveryAttempt) {
		this.envelope.deliveryAttempt = deliveryAttempt;
		return this;
	}

	/**
	 * Push from this subscription. Default: {@code projects/PROJECT/subscriptions/push},
	 * the emulator's project.
	 * @param subscription the full subscription name
	 * @return this sender
	 */
	public PubSubPush subscription(String subscription) {
		this.envelope.subscription = Objects.requireNonNull(subscription, "subscription cannot be null");
		return this;
	}

	/**
	 * Send this body instead of the envelope, such as a broken one.
	 * @param body the body, sent as {@code application/json}
	 * @return this sender
	 */
	public PubSubPush rawBody(String body) {
		this.rawBody = Objects.requireNonNull(body, "body cannot be null");
		return this;
	}

	/**
	 * Return the JSON body this sender sends.
	 * @return the envelope, or the raw body
	 */
	public String body() {
		return (this.rawBody != null) ? this.rawBody : this.envelope.json();
	}

	@Override
	HttpRequest.Builder prepare(HttpRequest.Builder request) {
		return request.header("Content-Type", "application/json")
			.header("User-Agent", "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)")
			.POST(HttpRequest.BodyPublishers.ofString(body(), StandardCharsets.UTF_8));
	}

}
