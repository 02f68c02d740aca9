package dev.cloudrunauth.calling;

/**
 * Request header that carries the ID token, as {@code Bearer TOKEN}.
 */
public enum IdTokenHeader {

	/**
	 * {@code Authorization}, the header Cloud Run checks unless
	 * {@code X-Serverless-Authorization} is present.
	 */
	AUTHORIZATION("Authorization"),

	/**
	 * {@code X-Serverless-Authorization}, checked by Cloud Run first, for calls whose
	 * {@code Authorization} header carries the application's own credential.
	 */
	X_SERVERLESS_AUTHORIZATION("X-Serverless-Authorization");

	private final String headerName;

	IdTokenHeader(String headerName) {
		this.headerName = headerName;
	}

	/**
	 * Return the HTTP header name.
	 * @return the header name
	 */
	public String headerName() {
		return this.headerName;
	}

}
