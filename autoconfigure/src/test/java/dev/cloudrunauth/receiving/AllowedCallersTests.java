package dev.cloudrunauth.receiving;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AllowedCallersTests {

	private static final String ORDERS = "orders@p.iam.gserviceaccount.com";

	private final AllowedCallers callers = AllowedCallers.of(List.of(" Orders@P.iam.gserviceaccount.com "));

	@Test
	void configuredEmailsAreTrimmedAndComparedIgnoringCase() {
		assertThat(this.callers.allows(caller(ORDERS))).isTrue();
		assertThat(this.callers.allows(caller("ORDERS@P.IAM.GSERVICEACCOUNT.COM"))).isTrue();
		assertThat(this.callers.allows(caller("billing@p.iam.gserviceaccount.com"))).isFalse();
	}

	@Test
	void theCallersEmailIsNeverTrimmed() {
		assertThat(this.callers.allows(caller(" " + ORDERS))).isFalse();
		assertThat(this.callers.allows(caller("\u0000" + ORDERS + "\t"))).isFalse();
	}

	@Test
	void caseIsFoldedForAsciiLettersOnly() {
		// U+212A KELVIN SIGN and U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE fold to k
		// and i outside ASCII
		AllowedCallers kiosk = AllowedCallers.of(List.of("kiosk@p.iam.gserviceaccount.com"));
		assertThat(kiosk.allows(caller("\u212Aiosk@p.iam.gserviceaccount.com"))).isFalse();
		assertThat(kiosk.allows(caller("k\u0130osk@p.iam.gserviceaccount.com"))).isFalse();
		assertThat(kiosk.allows(caller("KIOSK@P.IAM.GSERVICEACCOUNT.COM"))).isTrue();
	}

	@Test
	void nonAsciiOrMalformedEntriesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> AllowedCallers.of(List.of("\u212Aiosk@p.com")))
			.withMessageContaining("ASCII");
		for (String entry : List.of("calling-service", "a@b@c.com", "@p.com", "a@", "*@", "*@*.com", "a*@p.com",
				"a @p.com", "a@p..com", "a@.p.com", "*", "*@p.com.")) {
			assertThatIllegalArgumentException().as(entry).isThrownBy(() -> AllowedCallers.of(List.of(entry)));
		}
	}

	@Test
	void aDomainPatternMatchesEveryAddressOfExactlyThatDomain() {
		AllowedCallers project = AllowedCallers.of(List.of("*@proj.iam.gserviceaccount.com"));
		assertThat(project.allows(caller("anyone@proj.iam.gserviceaccount.com"))).isTrue();
		assertThat(project.allows(caller("Anyone@PROJ.iam.gserviceaccount.com"))).isTrue();
		assertThat(project.allows(caller("x@proj.iam.gserviceaccount.com.evil.com"))).isFalse();
		assertThat(project.allows(caller("x@evilproj.iam.gserviceaccount.com"))).isFalse();
		assertThat(project.allows(caller("x@sub.proj.iam.gserviceaccount.com"))).isFalse();
		assertThat(project.allows(caller("x@evil.com@proj.iam.gserviceaccount.com"))).isFalse();
		assertThat(project.allows(caller("proj.iam.gserviceaccount.com"))).isFalse();
	}

	@Test
	void onlyAuthenticationsBuiltFromAVerifiedGoogleIdTokenMatch() {
		assertThat(this.callers.allows(new UsernamePasswordAuthenticationToken(ORDERS, "password",
				AuthorityUtils.createAuthorityList("ROLE_USER"))))
			.isFalse();
		assertThat(this.callers.allows(new TestingAuthenticationToken(ORDERS, null, "ROLE_CALLER"))).isFalse();
		Jwt otherDecoders = Jwt.withTokenValue("t").header("alg", "RS256").claim("email", ORDERS).build();
		assertThat(this.callers.allows(new JwtAuthenticationToken(otherDecoders, List.of(), ORDERS))).isFalse();
		assertThat(AllowedCallers.anyCaller().allows(new JwtAuthenticationToken(otherDecoders, List.of(), ORDERS)))
			.isFalse();
	}

	@Test
	void theEmailClaimDecidesNotTheAuthenticationName() {
		Jwt token = verified(ORDERS);
		assertThat(this.callers.allows(new JwtAuthenticationToken(token, List.of(), "12345678901234567890"))).isTrue();
		assertThat(this.callers
			.allows(new JwtAuthenticationToken(verified("billing@p.iam.gserviceaccount.com"), List.of(), ORDERS)))
			.isFalse();
	}

	@Test
	void unauthenticatedIsNeverAllowed() {
		JwtAuthenticationToken unauthenticated = new JwtAuthenticationToken(verified(ORDERS));
		unauthenticated.setAuthenticated(false);
		assertThat(this.callers.allows(unauthenticated)).isFalse();
		assertThat(this.callers.allows((Authentication) null)).isFalse();
		assertThat(AllowedCallers.anyCaller().allows((Authentication) null)).isFalse();
	}

	@Test
	void anEmptyListAllowsNobody() {
		assertThat(AllowedCallers.of(List.of()).allows(caller(ORDERS))).isFalse();
	}

	@Test
	void anyCallerAllowsEveryVerifiedGoogleIdentity() {
		assertThat(AllowedCallers.anyCaller().allows(caller("anyone@evil-project.iam.gserviceaccount.com"))).isTrue();
		assertThat(AllowedCallers.runInvokers(null).allows(caller("anyone@p.iam.gserviceaccount.com"))).isTrue();
	}

	@Test
	void aTokenWhoseEmailIsNoAddressMatchesNoRule() {
		assertThat(AllowedCallers.anyCaller().allows(caller("\u212Aiosk@p.iam.gserviceaccount.com"))).isFalse();
		assertThat(AllowedCallers.anyCaller().allows(caller("not-an-email"))).isFalse();
	}

	@Test
	void theyDescribeThemselves() {
		assertThat(this.callers).hasToString("[orders@p.iam.gserviceaccount.com]");
		assertThat(AllowedCallers.of(List.of("*@P.example"))).hasToString("[*@p.example]");
		assertThat(AllowedCallers.of(List.of())).hasToString("nobody");
		assertThat(AllowedCallers.anyCaller()).hasToString("any Google identity");
		assertThat(AllowedCallers.runInvokers(null)).hasToString("those granted roles/run.invoker");
	}

	static JwtAuthenticationToken caller(String email) {
		return new JwtAuthenticationToken(verified(email), List.of(), email);
	}

	static VerifiedIdToken verified(String email) {
		Instant now = Instant.now();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("email", email);
		claims.put("email_verified", true);
		claims.put("iat", now);
		claims.put("exp", now.plusSeconds(3600));
		return new VerifiedIdToken("t", now, now.plusSeconds(3600), Map.of("alg", "RS256"), claims);
	}

}
