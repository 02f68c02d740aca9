package dev.cloudrunauth.test.emulator;

/**
 * The two forms of the {@code iss} claim that Google puts in ID tokens.
 */
public enum Issuer {

	/**
	 * {@code https://accounts.google.com}.
	 */
	HTTPS("https://accounts.google.com"),

	/**
	 * {@code accounts.google.com}.
	 */
	BARE("accounts.google.com");

	private final String value;

	Issuer(String value) {
		this.value = value;
	}

	/**
	 * Return the claim value.
	 * @return the {@code iss} claim value
	 */
	public String value() {
		return this.value;
	}

}
