package dev.cloudrunauth.test.web;

/**
 * Emulator-signed Google ID tokens for WebTestClient requests:
 * {@code client.mutateWith(googleIdToken().caller("billing@my-project.iam.gserviceaccount.com")).get()...}.
 * The name is that of {@link GoogleIdTokens#googleIdToken()} for MockMvc, as a test uses
 * one or the other; where both are needed, import one statically and qualify the other.
 */
public final class GoogleIdTokenMutators {

	private GoogleIdTokenMutators() {
	}

	/**
	 * Return a mutator that sends a token for the application's first configured audience
	 * from the emulator's metadata service account, to be changed with its setters.
	 * @return the mutator
	 */
	public static GoogleIdTokenMutator googleIdToken() {
		return new GoogleIdTokenMutator();
	}

}
