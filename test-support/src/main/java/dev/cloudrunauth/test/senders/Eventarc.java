package dev.cloudrunauth.test.senders;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.jspecify.annotations.Nullable;

/**
 * Delivers an event to a Cloud Run service as an Eventarc trigger does: a CloudEvent in
 * binary content mode ({@code ce-id}, {@code ce-source}, {@code ce-specversion},
 * {@code ce-type}, {@code ce-time}; the data as the body, its type as
 * {@code Content-Type}), {@code POST} to the service's {@code /} unless the URL names a
 * path ({@code --destination-run-path}), and {@code Authorization: Bearer} with an ID
 * token of the trigger's service account whose {@code aud} is the URL posted to. By
 * default the event is a Pub/Sub {@code messagePublished}, its data the push envelope:
 * <pre class="code">
 * Eventarc.from(emulator, "trigger@my-project.iam.gserviceaccount.com")
 * 	.message("{\"orderId\":42}")
 * 	.to("http://127.0.0.1:" + port);
 * </pre>
 */
public final class Eventarc extends GoogleSender<Eventarc> {

	private final PushEnvelope envelope;

	private String id = UUID.randomUUID().toString();

	private String type = "google.cloud.pubsub.topic.v1.messagePublished";

	private String source;

	private Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private String contentType = "application/json";

	private @Nullable String data;

	private Eventarc(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		super(emulator, serviceAccountEmail);
		this.source = "//pubsub.googleapis.com/projects/" + emulator.projectId() + "/topics/events";
		this.envelope = new PushEnvelope(
				"projects/" + emulator.projectId() + "/subscriptions/eventarc-" + emulator.region() + "-trigger");
	}

	/**
	 * Return a sender of events from a trigger that runs as the given service account.
	 * @param emulator the emulator that mints the tokens
	 * @param serviceAccountEmail the trigger's {@code --service-account}
	 * @return the sender
	 */
	public static Eventarc from(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		return new Eventarc(emulator, serviceAccountEmail);
	}

	/**
	 * Send an event of this type from this source ({@code ce-type}, {@code ce-source}).
	 * Default: {@code google.cloud.pubsub.topic.v1.messagePublished} from
	 * {@code //pubsub.googleapis.com/projects/PROJECT/topics/events}.
	 * @param type the event type
	 * @param source the source
	 * @return this sender
	 */
	public Eventarc event(String type, String source) {
		this.type = Objects.requireNonNull(type, "type cannot be null");
		this.source = Objects.requireNonNull(source, "source cannot be null");
		return this;
	}

	/**
	 * Give the event this id ({@code ce-id}). Default: a random UUID.
	 * @param id the id
	 * @return this sender
	 */
	public Eventarc id(String id) {
		this.id = Objects.requireNonNull(id, "id cannot be null");
		return this;
	}

	/**
	 * Give the event this time ({@code ce-time}). Default: now.
	 * @param time the time
	 * @return this sender
	 */
	public Eventarc time(Instant time) {
		this.time = Objects.requireNonNull(time, "time cannot be null");
		return this;
	}

	/**
	 * For a Pub/Sub event, the data of the message in the envelope, UTF-8 encoded.
	 * @param data the message's data
	 * @return this sender
	 */
	public Eventarc message(String data) {
		this.envelope.data = Objects.requireNonNull(data, "data cannot be null").getBytes(StandardCharsets.UTF_8);
		return this;
	}

	/**
	 * Send this data instead of a Pub/Sub envelope, as events of other sources do.
	 * @param contentType its content type
	 * @param data the data
	 * @return this sender
	 */
	public Eventarc data(String contentType, String data) {
		this.contentType = Objects.requireNonNull(contentType, "contentType cannot be null");
		this.data = Objects.requireNonNull(data, "data cannot be null");
		return this;
	}

	@Override
	URI target(URI url) {
		return (url.getRawPath() == null || url.getRawPath().isEmpty()) ? url.resolve("/") : url;
	}

	@Override
	HttpRequest.Builder prepare(HttpRequest.Builder request) {
		String body = (this.data != null) ? this.data : this.envelope.json();
		return request.header("Content-Type", this.contentType)
			.header("ce-id", this.id)
			.header("ce-source", this.source)
			.header("ce-specversion", "1.0")
			.header("ce-type", this.type)
			.header("ce-time", this.time.toString())
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
	}

}
