package dev.cloudrunauth.receiving;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BearerTokenHeadersTests {

	private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/==";

	@Test
	void serverlessHeaderWinsOverAuthorization() {
		assertThat(BearerTokenHeaders.resolve(List.of("Bearer " + TOKEN), List.of("Bearer other"))).isEqualTo(TOKEN);
	}

	@Test
	void authorizationIsUsedWithoutServerlessHeader() {
		assertThat(BearerTokenHeaders.resolve(List.of(), List.of("Bearer " + TOKEN))).isEqualTo(TOKEN);
	}

	@Test
	void schemeIsCaseInsensitive() {
		assertThat(BearerTokenHeaders.resolve(List.of(), List.of("bEARER " + TOKEN))).isEqualTo(TOKEN);
	}

	@Test
	void noHeadersMeansNoToken() {
		assertThat(BearerTokenHeaders.resolve(List.of(), List.of())).isNull();
	}

	@Test
	void authorizationOfAnotherSchemeIsNotOurs() {
		assertThat(BearerTokenHeaders.resolve(List.of(), List.of("Basic dXNlcjpwYXNz"))).isNull();
	}

	@Test
	void serverlessHeaderOfAnotherSchemeIsRejected() {
		assertMalformed(List.of("Basic dXNlcjpwYXNz"), List.of());
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bearer", "Bearer ", "Bearer  " + TOKEN, "Bearer " + TOKEN + " ", "Bearer\t" + TOKEN,
			"Bearer ===", "Bearer a=b", "Bearer a b", "Bearer tok\u00e9n", "Bearer a,b", "Bearer a\"b", "Bearertoken" })
	void malformedValuesAreRejected(String value) {
		assertMalformed(List.of(), List.of(value));
		assertMalformed(List.of(value), List.of());
	}

	@Test
	void repeatedHeadersAreRejected() {
		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> BearerTokenHeaders.resolve(List.of("Bearer a", "Bearer b"), List.of()))
			.satisfies((ex) -> assertThat(ex.getError().getDescription()).contains("more than one"));
		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> BearerTokenHeaders.resolve(List.of(), List.of("Bearer a", "Bearer b")));
	}

	private static void assertMalformed(List<String> serverless, List<String> authorization) {
		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> BearerTokenHeaders.resolve(serverless, authorization))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token");
				assertThat(ex.getError().getDescription()).isEqualTo("Bearer token is malformed");
			});
	}

}
