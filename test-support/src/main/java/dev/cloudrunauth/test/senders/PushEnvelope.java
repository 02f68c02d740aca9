package dev.cloudrunauth.test.senders;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;

/**
 * The body of a wrapped Pub/Sub push, which Eventarc sends too for events from Pub/Sub:
 * {@code {"message":{"data","attributes","messageId","publishTime"[,"orderingKey"]},
 * "subscription"}}, and {@code deliveryAttempt} with dead-lettering. Like Pub/Sub, it
 * spells the id and the time in both cases ({@code message_id}, {@code publish_time}).
 */
final class PushEnvelope {

	byte[] data = new byte[0];

	Map<String, String> attributes = new LinkedHashMap<>();

	String messageId = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000_000L, 10_000_000_000_000L));

	Instant publishTime = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	@Nullable String orderingKey;

	@Nullable Integer deliveryAttempt;

	String subscription;

	PushEnvelope(String subscription) {
		this.subscription = subscription;
	}

	String json() {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("data", Base64.getEncoder().encodeToString(this.data));
		message.put("attributes", new LinkedHashMap<>(this.attributes));
		message.put("messageId", this.messageId);
		message.put("message_id", this.messageId);
		message.put("publishTime", this.publishTime.toString());
		message.put("publish_time", this.publishTime.toString());
		if (this.orderingKey != null) {
			message.put("orderingKey", this.orderingKey);
		}
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("message", message);
		envelope.put("subscription", this.subscription);
		if (this.deliveryAttempt != null) {
			envelope.put("deliveryAttempt", this.deliveryAttempt);
		}
		return JSONObjectUtils.toJSONString(envelope);
	}

}
