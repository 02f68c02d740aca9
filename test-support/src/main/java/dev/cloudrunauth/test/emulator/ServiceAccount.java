package dev.cloudrunauth.test.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Identity of a service account known to the emulator.
 *
 * @param email the service account's email, the {@code email} claim of its ID tokens
 * @param uniqueId the numeric id, the {@code sub} claim of its ID tokens
 */
public record ServiceAccount(String email, String uniqueId) {

	public ServiceAccount {
		if (email == null || !email.contains("@")) {
			throw new IllegalArgumentException("email must be an email address, got " + email);
		}
		if (uniqueId == null || uniqueId.isEmpty() || !uniqueId.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("uniqueId must be numeric, got " + uniqueId);
		}
	}

	/**
	 * Create a service account whose numeric id is derived from its email, so it is
	 * stable across runs.
	 * @param email the service account's email
	 * @return the service account
	 */
	public static ServiceAccount of(String email) {
		return new ServiceAccount(email, numericIdOf(email));
	}

	private static String numericIdOf(String email) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
			StringBuilder id = new StringBuilder("1");
			for (int i = 0; id.length() < 21; i++) {
				id.append(Math.floorMod(digest[i % digest.length] + i, 10));
			}
			return id.toString();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
