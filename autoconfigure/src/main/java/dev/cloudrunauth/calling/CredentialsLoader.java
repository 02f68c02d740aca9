package dev.cloudrunauth.calling;

import java.io.IOException;
import java.io.InputStream;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;

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
