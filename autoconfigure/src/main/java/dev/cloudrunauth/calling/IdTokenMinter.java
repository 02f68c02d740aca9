package dev.cloudrunauth.calling;

import java.io.IOException;

/**
 * Mints ID tokens, one network call per token.
 */
interface IdTokenMinter {

	/**
	 * Mint a token.
	 * @param audience the audience
	 * @return the token
	 * @throws IOException if none can be minted
	 */
	MintedIdToken mint(String audience) throws IOException;

	/**
	 * Describe the credentials tokens are minted with, for messages.
	 * @return the description
	 */
	String describeCredentials();

}
