package dev.cloudrunauth.test.senders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.jspecify.annotations.Nullable;

/**
 * What every sender shares: the service account it calls as, the token it sends
 * ({@code Authorization: Bearer}, RS256 from the emulator, {@code aud} the URL called
 * unless {@link #audience(String) set}), and the call itself, with the JDK's HTTP client,
 * which never follows redirects.
 *
 * @param <S> the sender type
 */
public abstract class GoogleSender<S extends GoogleSender<S>> {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final GoogleIdentityEmulator emulator;

	private final ServiceAccount account;

	private @Nullable String audience;

	private Function<IdTokenBuilder, String> signer = IdTokenBuilder::sign;

	private @Nullable String token;

	GoogleSender(GoogleIdentityEmulator emulator, String serviceAccountEmail) {
		this.emulator = Objects.requireNonNull(emulator, "emulator cannot be null");
		this.account = emulator.serviceAccount(Objects.requireNonNull(serviceAccountEmail, "email cannot be null"));
	}

	/**
	 * Mint the token for this audience rather than for the URL called, as a sender
	 * configured with one ({@code --push-auth-token-audience},
	 * {@code oidcToken.audience}) does.
	 * @param audience the audience
	 * @return this sender
	 */
	public S audience(String audience) {
		this.audience = Objects.requireNonNull(audience, "audience cannot be null");
		return self();
	}

	/**
	 * Turn the token, built with its default claims, into its compact form with this
	 * function rather than {@link IdTokenBuilder#sign()}: change claims, remove the
	 * signature as Cloud Run does
	 * ({@code IdTokenBuilder::signWithSignatureRemovedByGoogle}), or sign with another
	 * algorithm.
	 * @param signer the function
	 * @return this sender
	 */
	public S signedWith(Function<IdTokenBuilder, String> signer) {
		this.signer = Objects.requireNonNull(signer, "signer cannot be null");
		return self();
	}

	/**
	 * Send exactly this token, such as one signed by another emulator's key.
	 * @param token the compact serialization
	 * @return this sender
	 */
	public S token(String token) {
		this.token = Objects.requireNonNull(token, "token cannot be null");
		return self();
	}

	/**
	 * Return the request this sender would send to the URL.
	 * @param url the URL, as the sender is configured with it (push endpoint, target URL)
	 * @return the request
	 */
	public HttpRequest request(String url) {
		URI uri = URI.create(Objects.requireNonNull(url, "url cannot be null"));
		HttpRequest.Builder request = HttpRequest.newBuilder(target(uri))
			.timeout(TIMEOUT)
			.header("Authorization", "Bearer " + token(uri));
		return prepare(request).build();
	}

	/**
	 * Call the URL.
	 * @param url the URL, as the sender is configured with it (push endpoint, target URL)
	 * @return the response, its body as a string
	 * @throws UncheckedIOException if the call fails
	 */
	public HttpResponse<String> to(String url) {
		try {
			return http.send(request(url), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Calling " + url + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncheckedIOException("Interrupted while calling " + url, new IOException(ex));
		}
	}

	/**
	 * Return the service account the sender calls as.
	 * @return the account
	 */
	public ServiceAccount serviceAccount() {
		return this.account;
	}

	GoogleIdentityEmulator emulator() {
		return this.emulator;
	}

	/**
	 * Return the URI the request goes to, the URL itself unless the sender changes it.
	 */
	URI target(URI url) {
		return url;
	}

	/**
	 * Add the sender's method, headers and body.
	 */
	abstract HttpRequest.Builder prepare(HttpRequest.Builder request);

	private String token(URI url) {
		if (this.token != null) {
			return this.token;
		}
		String audience = (this.audience != null) ? this.audience : target(url).toString();
		return this.signer.apply(this.emulator.idToken(audience).serviceAccount(this.account));
	}

	@SuppressWarnings("unchecked")
	final S self() {
		return (S) this;
	}

}
