package dev.cloudrunauth.test.senders;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

/**
 * Calls a URL as a Cloud Scheduler job with an HTTP target and {@code oidcToken} does:
 * the job's method and body, {@code User-Agent: Google-Cloud-Scheduler}, and
 * {@code Authorization: Bearer} with an ID token of its {@code serviceAccountEmail} whose
 * {@code aud} is the target URI unless an {@link #audience(String) audience} is set:
 * <pre class="code">
 * CloudScheduler.from(emulator, "scheduler@my-project.iam.gserviceaccount.com")
 * 	.to("http://127.0.0.1:" + port + "/jobs/nightly");
 * </pre>
 */
public final class CloudScheduler extends GoogleSender<CloudScheduler> {

	private String method = "POST";

	private String contentType = "application/octet-stream";

	private byte[] body = new byte[0];

	private CloudScheduler(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		super(emulator, serviceAccountEmail);
	}

	/**
	 * Return a sender of jobs whose {@code oidcToken} names the given service account.
	 * @param emulator the emulator that mints the tokens
	 * @param serviceAccountEmail the job's {@code oidcToken.serviceAccountEmail}
	 * @return the sender
	 */
	public static CloudScheduler from(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		return new CloudScheduler(emulator, serviceAccountEmail);
	}

	/**
	 * Send with this method. Default: {@code POST}, as a job's {@code httpMethod}.
	 * @param method the method
	 * @return this sender
	 */
	public CloudScheduler method(String method) {
		this.method = Objects.requireNonNull(method, "method cannot be null");
		return this;
	}

	/**
	 * Send this body. Default: none.
	 * @param contentType its content type, as the job's {@code Content-Type} header
	 * @param body the body, UTF-8 encoded
	 * @return this sender
	 */
	public CloudScheduler body(String contentType, String body) {
		this.contentType = Objects.requireNonNull(contentType, "contentType cannot be null");
		this.body = Objects.requireNonNull(body, "body cannot be null").getBytes(StandardCharsets.UTF_8);
		return this;
	}

	@Override
	HttpRequest.Builder prepare(HttpRequest.Builder request) {
		request.header("User-Agent", "Google-Cloud-Scheduler");
		if (this.body.length > 0) {
			request.header("Content-Type", this.contentType);
		}
		return request.method(this.method, (this.body.length > 0) ? HttpRequest.BodyPublishers.ofByteArray(this.body)
				: HttpRequest.BodyPublishers.noBody());
	}

}
