package dev.cloudrunauth.receiving;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GoogleIdTokenDecoderTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private SigningKeyCache keys;

	private GoogleIdTokenDecoder decoder;

	@BeforeEach
	void createDecoder() {
		this.keys = new SigningKeyCache(URI.create(google.emulator().jwkSetUri()), Duration.ofSeconds(1),
				Duration.ofSeconds(5), Clock.systemUTC());
		this.keys.start();
		this.decoder = GoogleIdTokenDecoder.withSigningKeys(this.keys)
			.claimValidation(
					IdTokenValidators.createDefault(List.of("https://accounts.google.com", "accounts.google.com"),
							List.of(AUDIENCE), Duration.ofSeconds(30), Duration.ofHours(1), List.of()))
			.build();
	}

	@AfterEach
	void closeKeys() {
		this.keys.close();
	}

	@Test
	void aDecoderBuiltByHandAcceptsATokenForItsAudienceAndRejectsAnother() {
		try (GoogleIdTokenDecoder byHand = GoogleIdTokenDecoder.withAudiences(AUDIENCE)
			.jwkSetUri(google.emulator().jwkSetUri())
			.build()) {
			assertThat(byHand.decode(idToken().sign()).getAudience()).containsExactly(AUDIENCE);
			assertThatExceptionOfType(InvalidIdTokenException.class)
				.isThrownBy(() -> byHand.decode(google.emulator().idToken("https://other.example").sign()))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.AUDIENCE));
		}
		try (ReactiveGoogleIdTokenDecoder byHand = ReactiveGoogleIdTokenDecoder.withAudiences(AUDIENCE)
			.jwkSetUri(google.emulator().jwkSetUri())
			.build()) {
			assertThat(byHand.decode(idToken().sign()).block().getAudience()).containsExactly(AUDIENCE);
			assertThatExceptionOfType(InvalidIdTokenException.class)
				.isThrownBy(() -> byHand.decode(google.emulator().idToken("https://other.example").sign()).block())
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.AUDIENCE));
		}
	}

	@Test
	void aDecoderBuiltByHandHasTheDefaultsOfTheProperties() {
		GoogleIdentityEmulator emulator = google.emulator();
		try (GoogleIdTokenDecoder byHand = GoogleIdTokenDecoder.withAudiences(AUDIENCE)
			.jwkSetUri(emulator.jwkSetUri())
			.build()) {
			byHand.decode(idToken().issuer("https://accounts.google.com").sign());
			byHand.decode(idToken().issuer("accounts.google.com").sign());
			Instant now = Instant.now();
			byHand.decode(idToken().issuedAt(now.minusSeconds(3600)).expiresAt(now.minusSeconds(25)).sign());
			assertThatExceptionOfType(InvalidIdTokenException.class)
				.isThrownBy(() -> byHand
					.decode(idToken().issuedAt(now.minusSeconds(3600)).expiresAt(now.minusSeconds(35)).sign()))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.EXPIRED));
			assertThatExceptionOfType(InvalidIdTokenException.class)
				.isThrownBy(() -> byHand.decode(idToken().issuedAt(now).expiresAt(now.plusSeconds(3600 + 31)).sign()))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.LIFETIME));
			String remembered = idToken().sign();
			assertThat(byHand.decode(remembered)).as("a verified token is remembered")
				.isSameAs(byHand.decode(remembered));
		}
	}

	@Test
	void aDecoderBuiltByHandAppliesItsSettings() {
		GoogleIdentityEmulator emulator = google.emulator();
		try (GoogleIdTokenDecoder byHand = GoogleIdTokenDecoder.withAudiences(AUDIENCE, "https://push.example/push")
			.jwkSetUri(emulator.jwkSetUri())
			.issuers("https://accounts.google.com")
			.clockSkew(Duration.ZERO)
			.verifiedTokens(0)
			.validator((jwt) -> "denied@p.iam.gserviceaccount.com".equals(jwt.getClaimAsString("email"))
					? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token"))
					: OAuth2TokenValidatorResult.success())
			.build()) {
			byHand.decode(emulator.idToken("https://push.example/push").sign());
			assertRejected(byHand, idToken().issuer("accounts.google.com").sign(), RejectionReason.ISSUER);
			Instant now = Instant.now();
			assertRejected(byHand, idToken().issuedAt(now.minusSeconds(600)).expiresAt(now.minusSeconds(5)).sign(),
					RejectionReason.EXPIRED);
			assertRejected(byHand,
					idToken().serviceAccount(ServiceAccount.of("denied@p.iam.gserviceaccount.com")).sign(),
					RejectionReason.OTHER);
			String token = idToken().sign();
			assertThat(byHand.decode(token)).as("no token is remembered").isNotSameAs(byHand.decode(token));
		}
	}

	@Test
	void aDecoderBuiltByHandRemembersOnlyTheTokensOfItsAllowedCallers() {
		GoogleIdentityEmulator emulator = google.emulator();
		try (GoogleIdTokenDecoder byHand = GoogleIdTokenDecoder.withAudiences(AUDIENCE)
			.jwkSetUri(emulator.jwkSetUri())
			.allowedCallers(AllowedCallers.of(List.of("*@ours.iam.gserviceaccount.com")))
			.build()) {
			String ours = idToken().serviceAccount(ServiceAccount.of("a@ours.iam.gserviceaccount.com")).sign();
			String outsider = idToken().serviceAccount(ServiceAccount.of("b@evil.iam.gserviceaccount.com")).sign();
			assertThat(byHand.decode(ours)).isSameAs(byHand.decode(ours));
			assertThat(byHand.decode(outsider)).as("decoded, not remembered").isNotSameAs(byHand.decode(outsider));
		}
	}

	@Test
	void validTokenDecodesWithItsClaims() {
		Jwt jwt = this.decoder.decode(idToken().sign());
		assertThat(jwt.getAudience()).containsExactly(AUDIENCE);
		assertThat(jwt.getClaimAsString("email")).isEqualTo(google.emulator().metadataServiceAccount().email());
	}

	@Test
	void aTokenLivingLongerThanGoogleIssuesIsRejected() {
		Instant now = Instant.now();
		assertRejected(idToken().issuedAt(now).expiresAt(now.plus(Duration.ofDays(3650))).sign(),
				RejectionReason.LIFETIME);
		assertRejected(idToken().issuedAt(now.minusSeconds(60)).expiresAt(now.plusSeconds(3600 + 30 - 60 + 1)).sign(),
				RejectionReason.LIFETIME);
		this.decoder.decode(idToken().issuedAt(now.minusSeconds(60)).expiresAt(now.plusSeconds(3600 + 30 - 60)).sign());
	}

	@Test
	void emailVerifiedMustBeTheJsonBooleanTrue() {
		assertRejected(idToken().claim("email_verified", "true").sign(), RejectionReason.EMAIL_NOT_VERIFIED);
		assertRejected(idToken().claim("email_verified", 1).sign(), RejectionReason.EMAIL_NOT_VERIFIED);
		assertRejected(idToken().withoutClaim("email_verified").sign(), RejectionReason.EMAIL_NOT_VERIFIED);
	}

	@Test
	void anEmailThatIsNoAsciiAddressIsRejected() {
		assertRejected(idToken().claim("email", "\u212Aiosk@p.iam.gserviceaccount.com").sign(),
				RejectionReason.EMAIL_INVALID);
		assertRejected(idToken().claim("email", "a@b@p.iam.gserviceaccount.com").sign(), RejectionReason.EMAIL_INVALID);
		assertRejected(idToken().claim("email", "no-at-sign").sign(), RejectionReason.EMAIL_INVALID);
		assertRejected(idToken().claim("email", List.of("a@p.com")).sign(), RejectionReason.EMAIL);
	}

	@Test
	void headersThatPointElsewhereForKeysAreRejected() {
		assertRejected(idToken().header("jku", "https://evil.example/jwks").sign(), RejectionReason.HEADER);
		assertRejected(idToken().header("x5u", "https://evil.example/cert").sign(), RejectionReason.HEADER);
		assertRejected(idToken().header("jwk", java.util.Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB")).sign(),
				RejectionReason.HEADER);
		assertRejected(idToken().header("x5c", List.of("MIIB")).sign(), RejectionReason.HEADER);
	}

	@Test
	void criticalHeaderParametersAreRejected() {
		assertRejected(idToken().header("crit", List.of("exp")).header("exp", 1).sign(), RejectionReason.HEADER);
	}

	@Test
	void tokenWithoutKeyIdIsRejected() {
		GoogleIdentityEmulator emulator = google.emulator();
		String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
		assertRejected(emulator.signRaw(header, payload()), RejectionReason.HEADER);
	}

	@Test
	void keyIdPathTraversalIsJustAnUnknownKey() {
		assertRejected(idToken().header("kid", "../../../../etc/passwd").sign(), RejectionReason.UNKNOWN_KEY);
	}

	@Test
	void duplicateClaimsAreRejectedAsMalformed() {
		String payload = payload().replace("\"email_verified\":true", "\"email_verified\":true,\"aud\":\"https://a\"");
		assertRejected(rawWithKid(payload), RejectionReason.MALFORMED);
	}

	@Test
	void numericStringTimesAreRejectedAsMalformed() {
		long exp = Instant.now().plusSeconds(600).getEpochSecond();
		String payload = payload().replaceFirst("\"exp\":\\d+", "\"exp\":\"" + exp + "\"");
		assertRejected(rawWithKid(payload), RejectionReason.MALFORMED);
	}

	@Test
	void audienceOfTheWrongTypeIsRejectedAsMalformed() {
		assertRejected(idToken().claim("aud", List.of(1, 2)).sign(), RejectionReason.MALFORMED);
		assertRejected(idToken().claim("aud", java.util.Map.of("a", AUDIENCE)).sign(), RejectionReason.MALFORMED);
	}

	@Test
	void issuerOfTheWrongTypeIsRejectedAsMalformed() {
		assertRejected(idToken().claim("iss", List.of("https://accounts.google.com")).sign(),
				RejectionReason.MALFORMED);
	}

	@Test
	void structurallyBrokenTokensAreRejectedAsMalformed() {
		String token = idToken().sign();
		String[] parts = token.split("\\.");
		assertRejected(parts[0] + "." + parts[1], RejectionReason.MALFORMED);
		assertRejected(token + ".extra", RejectionReason.MALFORMED);
		assertRejected(token + ".a.b", RejectionReason.MALFORMED);
		assertRejected(parts[0] + ".!!!." + parts[2], RejectionReason.MALFORMED);
		assertRejected("." + parts[1] + "." + parts[2], RejectionReason.MALFORMED);
		assertRejected("", RejectionReason.MALFORMED);
		assertRejected("a".repeat(9000) + "." + parts[1] + "." + parts[2], RejectionReason.MALFORMED);
	}

	@Test
	void signaturesMustBeStrictUnpaddedBase64UrlSoATokenHasOneSpellingOnly() {
		String token = idToken().sign();
		this.decoder.decode(token);
		String signature = token.substring(token.lastIndexOf('.') + 1);
		String signed = token.substring(0, token.lastIndexOf('.') + 1);
		assertRejected(token + "==", RejectionReason.MALFORMED);
		assertRejected(signed + signature.replace('-', '+').replace('_', '/'), RejectionReason.MALFORMED);
		assertRejected(signed + signature.substring(0, 10) + "~" + signature.substring(10), RejectionReason.MALFORMED);
		assertRejected(signed, RejectionReason.MALFORMED);
	}

	@Test
	void timesOutOfRangeAreRejectedRatherThanWrappedAround() {
		String huge = payload().replaceFirst("\"iat\":\\d+", "\"iat\":1e300");
		assertRejected(rawWithKid(huge), RejectionReason.MALFORMED);
		String hugeNbf = payload().replace("\"sub\":\"1\"", "\"sub\":\"1\",\"nbf\":99999999999999999999");
		assertRejected(rawWithKid(hugeNbf), RejectionReason.MALFORMED);
		String negative = payload().replaceFirst("\"exp\":\\d+", "\"exp\":-5");
		assertRejected(rawWithKid(negative), RejectionReason.MALFORMED);
	}

	@Test
	void tokenWithoutIssuerOrWithANullAudienceIsRejectedNotFailed() {
		assertRejected(idToken().withoutClaim("iss").sign(), RejectionReason.ISSUER);
		String nullAudience = payload().replace("\"aud\":\"" + AUDIENCE + "\"", "\"aud\":[null]");
		assertThatExceptionOfType(InvalidIdTokenException.class)
			.isThrownBy(() -> this.decoder.decode(rawWithKid(nullAudience)));
	}

	@Test
	void aValidatorThatThrowsRejectsTheTokenInsteadOfFailingTheRequest() {
		GoogleIdTokenDecoder throwing = GoogleIdTokenDecoder.withSigningKeys(this.keys).claimValidation((jwt) -> {
			throw new IllegalStateException("validator bug");
		}).build();
		assertThatExceptionOfType(InvalidIdTokenException.class).isThrownBy(() -> throwing.decode(idToken().sign()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.OTHER));
		ReactiveGoogleIdTokenDecoder reactive = ReactiveGoogleIdTokenDecoder.withSigningKeys(this.keys)
			.claimValidation((jwt) -> {
				throw new IllegalStateException("validator bug");
			})
			.build();
		assertThatExceptionOfType(InvalidIdTokenException.class)
			.isThrownBy(() -> reactive.decode(idToken().sign()).block())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.OTHER));
	}

	@Test
	void otherAlgorithmsAreRejected() {
		assertRejected(idToken().header("alg", "RS512").sign(), RejectionReason.ALGORITHM);
		assertRejected(idToken().header("alg", "ES256").sign(), RejectionReason.ALGORITHM);
	}

	@Test
	void rejectionMessagesNeverContainTheToken() {
		String token = idToken().header("jku", "https://evil.example/jwks").sign();
		assertThatExceptionOfType(InvalidIdTokenException.class).isThrownBy(() -> this.decoder.decode(token))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(token.split("\\.")[0])
				.doesNotContain(token.split("\\.")[1]));
	}

	@Test
	void keysAreRefetchedInTheBackgroundAheadOfTheirMaxAge() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(this.keys::keysLoaded);
		emulator.setJwksMaxAge(Duration.ofSeconds(5));
		try {
			SigningKeyCache shortLived = new SigningKeyCache(URI.create(emulator.jwkSetUri()), Duration.ofHours(1),
					Duration.ofSeconds(5), Clock.systemUTC());
			try (shortLived) {
				long before = emulator.jwksFetches();
				shortLived.start();
				Thread.sleep(7000);
				assertThat(emulator.jwksFetches() - before).as("first fetch, then one ~4.5 s later").isEqualTo(2);
			}
			emulator.setJwksMaxAge(Duration.ofHours(6));
			SigningKeyCache longLived = new SigningKeyCache(URI.create(emulator.jwkSetUri()), Duration.ofHours(1),
					Duration.ofSeconds(5), Clock.systemUTC());
			try (longLived) {
				long before = emulator.jwksFetches();
				longLived.start();
				Thread.sleep(2000);
				assertThat(emulator.jwksFetches() - before).isEqualTo(1);
			}
		}
		finally {
			emulator.setJwksMaxAge(Duration.ofHours(6));
		}
	}

	private String rawWithKid(String payload) {
		GoogleIdentityEmulator emulator = google.emulator();
		return emulator
			.signRaw("{\"alg\":\"RS256\",\"kid\":\"" + emulator.keys().signingKeyId() + "\",\"typ\":\"JWT\"}", payload);
	}

	private String payload() {
		long now = Instant.now().getEpochSecond();
		return "{\"aud\":\"" + AUDIENCE + "\",\"azp\":\"1\",\"email\":\"c@p.iam.gserviceaccount.com\","
				+ "\"email_verified\":true,\"exp\":" + (now + 600) + ",\"iat\":" + now
				+ ",\"iss\":\"https://accounts.google.com\",\"sub\":\"1\"}";
	}

	private void assertRejected(String token, RejectionReason reason) {
		assertRejected(this.decoder, token, reason);
	}

	private static void assertRejected(GoogleIdTokenDecoder decoder, String token, RejectionReason reason) {
		assertThatExceptionOfType(InvalidIdTokenException.class).isThrownBy(() -> decoder.decode(token))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(reason));
	}

	private IdTokenBuilder idToken() {
		return google.emulator().idToken(AUDIENCE);
	}

}
