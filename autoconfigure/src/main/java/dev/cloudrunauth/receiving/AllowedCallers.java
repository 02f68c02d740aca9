package dev.cloudrunauth.receiving;

import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;

/**
 * Who may call: the Google identities (the {@code email} of a verified ID token) that a
 * caller rule admits. An authentication that was not built from an ID token this library
 * verified is never allowed, whatever its name.
 * <ul>
 * <li>{@link #of(Collection)}: the listed callers, each an exact email or
 * {@code *@DOMAIN}; an empty list admits nobody;</li>
 * <li>{@link #anyCaller()}: every Google identity, from any project;</li>
 * <li>{@link #runInvokers(InvokerIamCheck)}: every caller that Cloud Run's invoker IAM
 * check let through (trust mode), that is nobody once the check is found to be off.</li>
 * </ul>
 */
public final class AllowedCallers {

	private final List<CallerPattern> patterns;

	private final Rule rule;

	private final @Nullable InvokerIamCheck invokerIam;

	private AllowedCallers(List<CallerPattern> patterns, Rule rule, @Nullable InvokerIamCheck invokerIam) {
		this.patterns = patterns;
		this.rule = rule;
		this.invokerIam = invokerIam;
	}

	/**
	 * Allow the given callers.
	 * @param entries exact emails, such as
	 * {@code orders@my-project.iam.gserviceaccount.com}, or {@code *@DOMAIN}, such as
	 * {@code *@my-project.iam.gserviceaccount.com}; surrounding whitespace is ignored;
	 * none allows nobody
	 * @return the allowed callers
	 * @throws IllegalArgumentException if an entry is neither
	 */
	public static AllowedCallers of(Collection<String> entries) {
		Assert.notNull(entries, "entries cannot be null");
		return new AllowedCallers(entries.stream().map((entry) -> CallerPattern.parse(entry.trim())).toList(),
				Rule.LIST, null);
	}

	/**
	 * Allow every Google identity with a verified token for this service's audience. Any
	 * service account of any project can mint one: use this only where that is the
	 * intent.
	 * @return the allowed callers
	 */
	public static AllowedCallers anyCaller() {
		return new AllowedCallers(List.of(), Rule.ANY_CALLER, null);
	}

	/**
	 * Allow whoever Cloud Run's invoker IAM check let through
	 * ({@code roles/run.invoker}), for trust mode: nobody once the given check finds the
	 * invoker check off.
	 * @param invokerIam the check of the invoker IAM setting, or {@code null} if it is
	 * not checked
	 * @return the allowed callers
	 */
	static AllowedCallers runInvokers(@Nullable InvokerIamCheck invokerIam) {
		return new AllowedCallers(List.of(), Rule.RUN_INVOKERS, invokerIam);
	}

	/**
	 * Return whether an authentication is an allowed caller.
	 * @param authentication the authentication, if any
	 * @return {@code true} if it was built from a verified Google ID token whose email
	 * this rule admits
	 */
	public boolean allows(@Nullable Authentication authentication) {
		VerifiedIdToken token = VerifiedIdToken.of(authentication);
		return token != null && allowsEmail(token.foldedEmail());
	}

	/**
	 * Return whether a token that was just verified is from an allowed caller.
	 * @param jwt the verified token
	 * @return {@code true} if this rule admits its email
	 */
	boolean allows(Jwt jwt) {
		return jwt instanceof VerifiedIdToken token && allowsEmail(token.foldedEmail());
	}

	/**
	 * Return whether no list restricts the callers: any Google identity, or whoever Cloud
	 * Run's IAM check admits.
	 * @return {@code true} if there is no list
	 */
	public boolean allowsAnyCaller() {
		return this.rule != Rule.LIST;
	}

	private boolean allowsEmail(@Nullable String foldedEmail) {
		if (foldedEmail == null) {
			return false;
		}
		if (this.rule == Rule.ANY_CALLER) {
			return true;
		}
		if (this.rule == Rule.RUN_INVOKERS) {
			return this.invokerIam == null || this.invokerIam.state() != InvokerIamCheck.State.OFF;
		}
		for (CallerPattern pattern : this.patterns) {
			if (pattern.matches(foldedEmail)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return switch (this.rule) {
			case ANY_CALLER -> "any Google identity";
			case RUN_INVOKERS -> "those granted roles/run.invoker";
			case LIST -> this.patterns.isEmpty() ? "nobody" : this.patterns.toString();
		};
	}

	private enum Rule {

		LIST, ANY_CALLER, RUN_INVOKERS

	}

}
