package dev.cloudrunauth.calling;

import java.io.IOException;
import java.io.InputStream;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;

/**
 * Loads the credentials that mint tokens, or that impersonation starts from: Application
 * Default Credentials, a credentials file, or given credentials.
 */
interface CredentialsLoader {

	GoogleCredentials load(HttpTransportFactory transportFactory) throws IOException;

	String description();

	static CredentialsLoader applicationDefault() {
		return new ApplicationDefaultCredentials();
	}

	static CredentialsLoader file(Resource location) {
		return new CredentialsFile(location);
	}

	static CredentialsLoader given(GoogleCredentials credentials) {
		return new GivenCredentials(credentials);
	}

	/**
	 * Return a loader that loads once and hands every later caller the same credentials,
	 * so that the minters of several identities share one source; a failed load is tried
	 * again on the next call.
	 * @param loader the loader
	 * @return the shared loader
	 */
	static CredentialsLoader shared(CredentialsLoader loader) {
		return (loader instanceof Shared || loader instanceof GivenCredentials) ? loader : new Shared(loader);
	}

	/**
	 * Credentials loaded once for several minters.
	 */
	final class Shared implements CredentialsLoader {

		private final CredentialsLoader loader;

		private @Nullable GoogleCredentials credentials;

		private Shared(CredentialsLoader loader) {
			this.loader = loader;
		}

		@Override
		public synchronized GoogleCredentials load(HttpTransportFactory transportFactory) throws IOException {
			if (this.credentials == null) {
				this.credentials = this.loader.load(transportFactory);
			}
			return this.credentials;
		}

		@Override
		public String description() {
			return this.loader.description();
		}

		@Override
		public String toString() {
			return description();
		}

	}

	/**
	 * {@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's file, or the metadata server.
	 */
	final class ApplicationDefaultCredentials implements CredentialsLoader {

		@Override
		public GoogleCredentials load(HttpTransportFactory transportFactory) throws IOException {
			return GoogleCredentials.getApplicationDefault(transportFactory);
		}

		@Override
		public String description() {
			return "Application Default Credentials";
		}

	}

	/**
	 * A JSON credentials file, typically a service account key, read on the first mint.
	 *
	 * @param location the file
	 */
	record CredentialsFile(Resource location) implements CredentialsLoader {

		@Override
		public GoogleCredentials load(HttpTransportFactory transportFactory) throws IOException {
			try (InputStream in = this.location.getInputStream()) {
				return GoogleCredentials.fromStream(in, transportFactory);
			}
		}

		@Override
		public String description() {
			return "the credentials file " + this.location.getDescription();
		}

	}

	/**
	 * Credentials built by the application.
	 *
	 * @param credentials the credentials
	 */
	record GivenCredentials(GoogleCredentials credentials) implements CredentialsLoader {

		@Override
		public GoogleCredentials load(HttpTransportFactory transportFactory) {
			return this.credentials;
		}

		@Override
		public String description() {
			return GoogleCredentialsIdTokenMinter.describe(this.credentials);
		}

		@Override
		public String toString() {
			return description();
		}

	}

}
