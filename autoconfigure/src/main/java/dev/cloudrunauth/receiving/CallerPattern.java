package dev.cloudrunauth.receiving;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a caller rule: an exact email, or {@code *@DOMAIN} for every address of a
 * domain (such as {@code *@my-project.iam.gserviceaccount.com}, every service account of
 * a project). Matching is exact on the part after the {@code @} and ignores the case of
 * ASCII letters, so {@code x@proj.iam.gserviceaccount.com.evil.com} does not match
 * {@code *@proj.iam.gserviceaccount.com}.
 *
 * @param email the folded email, or {@code null} for a domain pattern
 * @param domain the folded domain
 */
record CallerPattern(@Nullable String email, String domain) {

	private static final String ANY_LOCAL_PART = "*@";

	/**
	 * Parse an entry.
	 * @param entry the entry, trimmed
	 * @return the pattern
	 * @throws IllegalArgumentException if the entry is neither an ASCII email nor
	 * {@code *@DOMAIN}
	 */
	static CallerPattern parse(String entry) {
		if (entry.startsWith(ANY_LOCAL_PART)) {
			String domain = entry.substring(ANY_LOCAL_PART.length());
			if (Emails.isDomain(domain)) {
				return new CallerPattern(null, Emails.foldCase(domain));
			}
		}
		else if (Emails.isAddress(entry)) {
			String email = Emails.foldCase(entry);
			return new CallerPattern(email, email.substring(email.indexOf('@') + 1));
		}
		throw new IllegalArgumentException("'" + entry + "' is neither an ASCII email, such as "
				+ "calling@my-project.iam.gserviceaccount.com, nor *@DOMAIN, such as *@my-project.iam.gserviceaccount.com");
	}

	/**
	 * Return whether a caller's email matches.
	 * @param foldedEmail an email that {@link Emails#isAddress(String)} accepts,
	 * case-folded
	 * @return {@code true} if it matches
	 */
	boolean matches(String foldedEmail) {
		if (this.email != null) {
			return this.email.equals(foldedEmail);
		}
		int at = foldedEmail.lastIndexOf('@');
		return foldedEmail.length() - at - 1 == this.domain.length() && foldedEmail.endsWith(this.domain);
	}

	@Override
	public String toString() {
		return (this.email != null) ? this.email : ANY_LOCAL_PART + this.domain;
	}

}
