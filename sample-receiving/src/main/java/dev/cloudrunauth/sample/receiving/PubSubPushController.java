package dev.cloudrunauth.sample.receiving;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The push endpoint of a Pub/Sub subscription. Only the subscription's service account
 * gets here, with a token for this URL: the path rule {@code pubsub} in
 * {@code application.yml} says so. A 2xx acknowledges the message; a broken envelope gets
 * 400 as problem details, which Pub/Sub retries and then dead-letters, if so configured.
 */
@RestController
class PubSubPushController {

	private static final Log logger = LogFactory.getLog(PubSubPushController.class);

	@PostMapping(path = "/events/pubsub", consumes = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> push(@RequestBody PushEnvelope envelope, Authentication caller) {
		PushEnvelope.Message message = envelope.message();
		if (message == null || !StringUtils.hasText(message.messageId())
				|| !StringUtils.hasText(envelope.subscription())) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Not a Pub/Sub push envelope: it needs message.messageId and subscription");
		}
		byte[] data;
		try {
			data = Base64.getDecoder().decode((message.data() != null) ? message.data() : "");
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "message.data is not base64");
		}
		logger.info("Message " + message.messageId() + " from " + envelope.subscription() + ", pushed by "
				+ caller.getName() + ": " + data.length + " bytes");
		Map<String, Object> received = new LinkedHashMap<>();
		received.put("messageId", message.messageId());
		received.put("subscription", envelope.subscription());
		received.put("attributes", (message.attributes() != null) ? message.attributes() : Map.of());
		received.put("bytes", data.length);
		return received;
	}

	/**
	 * The body of a push from a subscription without payload unwrapping.
	 *
	 * @param message the message
	 * @param subscription the subscription's full name
	 */
	record PushEnvelope(@Nullable Message message, @Nullable String subscription) {

		/**
		 * A Pub/Sub message.
		 *
		 * @param data its data, base64-encoded
		 * @param attributes its attributes
		 * @param messageId its id
		 * @param publishTime when it was published
		 * @param orderingKey its ordering key, if any
		 */
		record Message(@Nullable String data, @Nullable Map<String, String> attributes, @Nullable String messageId,
				@Nullable String publishTime, @Nullable String orderingKey) {
		}

	}

}
