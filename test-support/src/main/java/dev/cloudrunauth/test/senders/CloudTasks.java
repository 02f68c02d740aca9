package dev.cloudrunauth.test.senders;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.jspecify.annotations.Nullable;

/**
 * Calls a URL as a Cloud Tasks HTTP target task with {@code oidcToken} does: the task's
 * method and body, {@code Authorization: Bearer} with an ID token of its
 * {@code serviceAccountEmail} whose {@code aud} is the target URL unless an
 * {@link #audience(String) audience} is set, and the {@code X-CloudTasks-*} headers:
 * <pre class="code">
 * CloudTasks.from(emulator, "tasks@my-project.iam.gserviceaccount.com")
 * 	.queue("orders")
 * 	.body("application/json", "{\"orderId\":42}")
 * 	.to("http://127.0.0.1:" + port + "/tasks/orders");
 * </pre>
 */
public final class CloudTasks extends GoogleSender<CloudTasks> {

	private String method = "POST";

	private String contentType = "application/octet-stream";

	private byte[] body = new byte[0];

	private String queue = "default";

	private String taskName = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));

	private int retryCount;

	private int executionCount;

	private @Nullable Integer previousResponse;

	private CloudTasks(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		super(emulator, serviceAccountEmail);
	}

	/**
	 * Return a sender of tasks whose {@code oidcToken} names the given service account.
	 * @param emulator the emulator that mints the tokens
	 * @param serviceAccountEmail the task's {@code oidcToken.serviceAccountEmail}
	 * @return the sender
	 */
	public static CloudTasks from(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		return new CloudTasks(emulator, serviceAccountEmail);
	}

	/**
	 * Send with this method. Default: {@code POST}, as a task's {@code httpMethod}.
	 * @param method the method
	 * @return this sender
	 */
	public CloudTasks method(String method) {
		this.method = Objects.requireNonNull(method, "method cannot be null");
		return this;
	}

	/**
	 * Send this body. Default: none, {@code application/octet-stream}.
	 * @param contentType its content type, as the task's {@code Content-Type} header
	 * @param body the body, UTF-8 encoded
	 * @return this sender
	 */
	public CloudTasks body(String contentType, String body) {
		this.contentType = Objects.requireNonNull(contentType, "contentType cannot be null");
		this.body = Objects.requireNonNull(body, "body cannot be null").getBytes(StandardCharsets.UTF_8);
		return this;
	}

	/**
	 * Send from this queue ({@code X-CloudTasks-QueueName}). Default: {@code default}.
	 * @param queue the queue's short name
	 * @return this sender
	 */
	public CloudTasks queue(String queue) {
		this.queue = Objects.requireNonNull(queue, "queue cannot be null");
		return this;
	}

	/**
	 * Send as this task ({@code X-CloudTasks-TaskName}). Default: a random number, as
	 * Cloud Tasks names tasks created without a name.
	 * @param taskName the task's short name
	 * @return this sender
	 */
	public CloudTasks taskName(String taskName) {
		this.taskName = Objects.requireNonNull(taskName, "taskName cannot be null");
		return this;
	}

	/**
	 * Send as a retry: {@code X-CloudTasks-TaskRetryCount} and
	 * {@code X-CloudTasks-TaskExecutionCount} (attempts that got a response), and
	 * {@code X-CloudTasks-TaskPreviousResponse}. Default: the first attempt, 0 and 0.
	 * @param retryCount how often the task was retried
	 * @param executionCount how many attempts got a response
	 * @param previousResponse the status of the previous attempt's response
	 * @return this sender
	 */
	public CloudTasks retry(int retryCount, int executionCount, int previousResponse) {
		this.retryCount = retryCount;
		this.executionCount = executionCount;
		this.previousResponse = previousResponse;
		return this;
	}

	@Override
	HttpRequest.Builder prepare(HttpRequest.Builder request) {
		request.header("User-Agent", "Google-Cloud-Tasks")
			.header("X-CloudTasks-QueueName", this.queue)
			.header("X-CloudTasks-TaskName", this.taskName)
			.header("X-CloudTasks-TaskRetryCount", Integer.toString(this.retryCount))
			.header("X-CloudTasks-TaskExecutionCount", Integer.toString(this.executionCount))
			.header("X-CloudTasks-TaskETA", Long.toString(Instant.now().getEpochSecond()));
		if (this.previousResponse != null) {
			request.header("X-CloudTasks-TaskPreviousResponse", Integer.toString(this.previousResponse));
		}
		if (this.body.length > 0) {
			request.header("Content-Type", this.contentType);
		}
		return request.method(this.method, (this.body.length > 0) ? HttpRequest.BodyPublishers.ofByteArray(this.body)
				: HttpRequest.BodyPublishers.noBody());
	}

}
