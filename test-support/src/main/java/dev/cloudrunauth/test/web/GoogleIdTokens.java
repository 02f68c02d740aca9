package dev.cloudrunauth.test.web;

/**
 * Emulator-signed Google ID tokens for MockMvc requests:
 * {@code mvc.perform(get("/orders").with(googleIdToken().caller("billing@my-project.iam.gserviceaccount.com")))}.
 * For WebTestClient, see {@link GoogleIdTokenMutators}.
 */
public final class GoogleIdTokens {

	private GoogleIdTokens() {
	}

	/**
	 * Return a request post-processor that sends a token for the application's first
	 * configured audience from the emulator's metadata service account, to be changed
	 * with its setters.
	 * @return the request post-processor
	 */
	public static GoogleIdTokenRequestPostProcessor googleIdToken() {
		return new GoogleIdTokenRequestPostProcessor();
	}

}
