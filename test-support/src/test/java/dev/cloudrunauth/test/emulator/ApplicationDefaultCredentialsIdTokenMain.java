package dev.cloudrunauth.test.emulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.IdTokenProvider;

/**
 * Run in a child JVM whose environment points Application Default Credentials at the
 * emulator: mints an ID token for {@code args[0]} (with {@code format=full} when
 * {@code args[2]} is {@code full}) and writes it to the file {@code args[1]}, so that no
 * token goes through the process output.
 */
public final class ApplicationDefaultCredentialsIdTokenMain {

	private ApplicationDefaultCredentialsIdTokenMain() {
	}

	public static void main(String[] args) throws Exception {
		GoogleCredentials credentials = GoogleCredentials.getApplicationDefault();
		System.out.println("credentials=" + credentials.getClass().getSimpleName());
		List<IdTokenProvider.Option> options = (args.length > 2 && args[2].equals("full"))
				? List.of(IdTokenProvider.Option.FORMAT_FULL) : List.of();
		IdToken token = ((IdTokenProvider) credentials).idTokenWithAudience(args[0], options);
		Files.writeString(Path.of(args[1]), token.getTokenValue());
		System.out.println("minted");
	}

}
