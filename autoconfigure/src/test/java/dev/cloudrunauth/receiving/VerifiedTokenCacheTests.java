package dev.cloudrunauth.receiving;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class VerifiedTokenCacheTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	private static final Duration SKEW = Duration.ofSeconds(30);

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final MutableClock clock = new MutableClock(Instant.now());

	private SigningKeyCache keys;

	@BeforeEach
	void loadKeys() {
		this.keys = new SigningKeyCache(URI.create(google.emulator().jwkSetUri()), Duration.ofSeconds(1),
				Duration.ofSeconds(5), Clock.systemUTC());
		this.keys.start();
		await().until(this.keys::keysLoaded);
	}

	@AfterEach
	void closeKeys() {
		this.keys.close();
	}

	@Test
	void aTokenPresentedAgainIsNotVerifiedAgain() {
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		String token = token(this.clock.instant().plusSeconds(3600));
		Jwt first = decoder.decode(token);
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.refuseConnections());
		assertThat(decoder.decode(token)).isSameAs(first);
		assertThat(cache.hits()).isEqualTo(1);
		assertThat(cache.size()).isEqualTo(1);
	}

	@Test
	void anEntryCountsOnlyUntilExpiryPlusTheClockSkewCheckedOnEveryHit() {
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		Jwt jwt = decoder(cache).decode(token(this.clock.instant().plusSeconds(60)));
		Instant expiresAt = jwt.getExpiresAt();
		this.clock.set(expiresAt.plus(SKEW).minusMillis(1));
		assertThat(cache.get(jwt.getTokenValue(), this.keys)).isSameAs(jwt);
		this.clock.set(expiresAt.plus(SKEW));
		assertThat(cache.get(jwt.getTokenValue(), this.keys)).isNull();
		assertThat(cache.size()).isZero();
	}

	@Test
	void aTokenVerifiedInOneScopeIsUnknownInAnotherWhichSharesTheBoundAndCounters() {
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		VerifiedTokenCache pubsub = cache.scope("pubsub", AllowedCallers.anyCaller());
		Jwt jwt = decoder(pubsub).decode(token(this.clock.instant().plusSeconds(3600)));
		assertThat(pubsub.get(jwt.getTokenValue(), this.keys)).isSameAs(jwt);
		assertThat(cache.get(jwt.getTokenValue(), this.keys)).isNull();
		assertThat(cache.scope("tasks", AllowedCallers.anyCaller()).get(jwt.getTokenValue(), this.keys)).isNull();
		assertThat(cache.size()).isEqualTo(1);
		assertThat(cache.hits()).isEqualTo(1);
		assertThat(cache.misses()).isEqualTo(3);
	}

	@Test
	void aScopeRemembersOnlyTheTokensOfItsOwnCallers() {
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		VerifiedTokenCache pubsub = cache.scope("pubsub",
				AllowedCallers.of(List.of("push@emulator-project.iam.gserviceaccount.com")));
		Jwt jwt = decoder(pubsub).decode(token(this.clock.instant().plusSeconds(3600)));
		assertThat(pubsub.get(jwt.getTokenValue(), this.keys)).isNull();
		assertThat(cache.size()).isZero();
	}

	@Test
	void aTokenThatFailsVerificationIsNeverCached() {
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		String wrongAudience = google.emulator().idToken("https://other.example").sign();
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(InvalidIdTokenException.class).isThrownBy(() -> decoder.decode(wrongAudience))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.AUDIENCE));
		}
		String tampered = token(this.clock.instant().plusSeconds(3600));
		String forged = tampered.substring(0, tampered.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
		assertThatExceptionOfType(InvalidIdTokenException.class).isThrownBy(() -> decoder.decode(forged));
		assertThat(cache.size()).isZero();
		assertThat(cache.hits()).isZero();
	}

	@Test
	void theCacheIsBounded() {
		VerifiedTokenCache cache = new VerifiedTokenCache(50, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		for (int i = 0; i < 500; i++) {
			decoder.decode(google.emulator().idToken(AUDIENCE).claim("jti", "t" + i).sign());
			assertThat(cache.size()).isLessThanOrEqualTo(50);
		}
		assertThat(cache.size()).isGreaterThan(40);
	}

	@Test
	void expiredEntriesAreEvictedFirstWhenFull() {
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		for (int i = 0; i < 9; i++) {
			decoder.decode(google.emulator()
				.idToken(AUDIENCE)
				.claim("jti", "short" + i)
				.expiresAt(this.clock.instant().plusSeconds(10))
				.sign());
		}
		Jwt keeper = decoder.decode(token(this.clock.instant().plusSeconds(3600)));
		this.clock.set(this.clock.instant().plusSeconds(60));
		decoder.decode(token(Instant.now().plusSeconds(1800)));
		assertThat(cache.size()).isEqualTo(2);
		assertThat(cache.get(keeper.getTokenValue(), this.keys)).isSameAs(keeper);
	}

	@Test
	void tokensInUseSurviveEvictionOfTokensNotUsedSince() {
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		List<Jwt> inUse = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			inUse.add(decoder.decode(google.emulator().idToken(AUDIENCE).claim("jti", "in-use" + i).sign()));
		}
		for (int i = 0; i < 30; i++) {
			this.clock.set(this.clock.instant().plusSeconds(1));
			decoder.decode(google.emulator().idToken(AUDIENCE).claim("jti", "once" + i).sign());
			for (Jwt jwt : inUse) {
				// the same instance: served from the cache, never verified again
				assertThat(decoder.decode(jwt.getTokenValue())).isSameAs(jwt);
			}
		}
		assertThat(cache.size()).isLessThanOrEqualTo(10);
		assertThat(cache.hits()).isEqualTo(30 * 8);
	}

	@Test
	void aTokenWhoseKeyIsNoLongerPublishedIsVerifiedAgain() {
		GoogleIdentityEmulator emulator = google.emulator();
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		String oldKey = emulator.keys().signingKeyId();
		String token = token(this.clock.instant().plusSeconds(3600));
		decoder.decode(token);
		emulator.keys().rotate();
		emulator.keys().retire(oldKey);
		long fetches = this.keys.fetches();
		decoder.decode(google.emulator().idToken(AUDIENCE).sign());
		await().until(() -> this.keys.fetches() > fetches && this.keys.cachedKey(oldKey) == null);
		assertThatExceptionOfType(InvalidIdTokenException.class).isThrownBy(() -> decoder.decode(token))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.UNKNOWN_KEY));
	}

	@Test
	void tokensOfCallersWhoMayNotCallNeverPushOutThoseOfCallersWhoMay() {
		AllowedCallers allowed = AllowedCallers.of(List.of("*@ours.iam.gserviceaccount.com"));
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, allowed, this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		List<Jwt> ours = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ours.add(decoder.decode(tokenFor("caller" + i + "@ours.iam.gserviceaccount.com")));
		}
		for (int i = 0; i < 20; i++) {
			this.clock.set(this.clock.instant().plusSeconds(1));
			decoder.decode(tokenFor("outsider" + i + "@evil-project.iam.gserviceaccount.com"));
		}
		assertThat(cache.size()).isEqualTo(5);
		for (Jwt jwt : ours) {
			assertThat(cache.get(jwt.getTokenValue(), this.keys)).isSameAs(jwt);
		}
	}

	@Test
	void aKeyIdPublishedAgainWithOtherMaterialInvalidatesWhatItsOldKeyVerified() {
		GoogleIdentityEmulator emulator = google.emulator();
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		String keyId = emulator.keys().signingKeyId();
		Jwt verified = decoder.decode(token(this.clock.instant().plusSeconds(3600)));
		long fetches = this.keys.fetches();
		emulator.keys().replace(keyId);
		String other = emulator.keys().add();
		emulator.keys().useForSigning(other);
		decoder.decode(google.emulator().idToken(AUDIENCE).sign());
		assertThat(this.keys.fetches()).isEqualTo(fetches + 1);
		assertThat(this.keys.cachedKey(keyId)).isNotNull();
		assertThat(cache.get(verified.getTokenValue(), this.keys)).isNull();
		assertThatExceptionOfType(InvalidIdTokenException.class)
			.isThrownBy(() -> decoder.decode(verified.getTokenValue()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.SIGNATURE));
	}

	@Test
	void aKeyFetchedAgainWithTheSameMaterialKeepsWhatItVerified() {
		GoogleIdentityEmulator emulator = google.emulator();
		VerifiedTokenCache cache = new VerifiedTokenCache(10, SKEW, AllowedCallers.anyCaller(), this.clock);
		GoogleIdTokenDecoder decoder = decoder(cache);
		Jwt verified = decoder.decode(token(this.clock.instant().plusSeconds(3600)));
		long fetches = this.keys.fetches();
		emulator.keys().useForSigning(emulator.keys().add());
		decoder.decode(google.emulator().idToken(AUDIENCE).sign());
		assertThat(this.keys.fetches()).isEqualTo(fetches + 1);
		assertThat(cache.get(verified.getTokenValue(), this.keys)).isSameAs(verified);
	}

	private String tokenFor(String email) {
		return google.emulator()
			.idToken(AUDIENCE)
			.serviceAccount(dev.cloudrunauth.test.emulator.ServiceAccount.of(email))
			.sign();
	}

	private GoogleIdTokenDecoder decoder(VerifiedTokenCache cache) {
		return GoogleIdTokenDecoder.withSigningKeys(this.keys)
			.claimValidation(IdTokenValidators.createDefault(List.of("https://accounts.google.com"), List.of(AUDIENCE),
					SKEW, Duration.ofHours(1), List.of()))
			.verifiedTokenCache(cache)
			.build();
	}

	/**
	 * A token issued now by the real clock, which the validators use; the cache's clock
	 * is moved by the tests.
	 */
	private String token(Instant expiresAt) {
		return google.emulator().idToken(AUDIENCE).issuedAt(Instant.now()).expiresAt(expiresAt).sign();
	}

	static class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void set(Instant now) {
			this.now = now;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
