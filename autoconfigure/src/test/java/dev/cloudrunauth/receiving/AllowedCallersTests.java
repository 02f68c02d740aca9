package dev.cloudrunauth.receiving;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

class AllowedCallersTests {

	private final AllowedCallers callers = new AllowedCallers(List.of(" Orders@P.iam.gserviceaccount.com "));

	@Test
	void configuredEmailsAreTrimmedAndComparedIgnoringCase() {
		assertThat(this.callers.allows(caller("orders@p.iam.gserviceaccount.com"))).isTrue();
		assertThat(this.callers.allows(caller("ORDERS@P.IAM.GSERVICEACCOUNT.COM"))).isTrue();
	}

	@Test
	void theCallersEmailIsNeverTrimmed() {
		assertThat(this.callers.allows(caller(" orders@p.iam.gserviceaccount.com"))).isFalse();
		assertThat(this.callers.allows(caller("\u0000orders@p.iam.gserviceaccount.com\t"))).isFalse();
	}

	@Test
	void unauthenticatedIsNeverAllowed() {
		TestingAuthenticationToken unauthenticated = new TestingAuthenticationToken("orders@p.iam.gserviceaccount.com",
				null);
		unauthenticated.setAuthenticated(false);
		assertThat(this.callers.allows(unauthenticated)).isFalse();
		assertThat(this.callers.allows(null)).isFalse();
		assertThat(new AllowedCallers(List.of()).allows(null)).isFalse();
	}

	@Test
	void noEmailsAllowAnyAuthenticatedCaller() {
		assertThat(new AllowedCallers(List.of()).allows(caller("anyone@p.iam.gserviceaccount.com"))).isTrue();
	}

	private static TestingAuthenticationToken caller(String email) {
		return new TestingAuthenticationToken(email, null, "ROLE_CALLER");
	}

}
