package dev.cloudrunauth.receiving;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

/**
 * Verifies Google ID tokens (RS256) or IAP's assertions (ES256, see {@link #iap}) in two
 * steps, so that a decoder can look the signing key up in between, blocking or not:
 * {@link #parse(String)} checks the structure, header and claim types;
 * {@link #verify(ParsedToken, PublicKey)} checks the signature and validates the claims.
 */
final class IdTokenVerifier {

	/**
	 * What Cloud Run puts in place of the signature of a token its IAM invoker check
	 * verified.
	 */
	static final String SIGNATURE_REMOVED_BY_GOOGLE = "SIGNATURE_REMOVED_BY_GOOGLE";

	/**
	 * Google's ID tokens are about 1 KB; anything this long is not one.
	 */
	static final int MAX_TOKEN_LENGTH = 8 * 1024;

	private static final Set<String> FORBIDDEN_HEADERS = Set.of("crit", "jku", "x5u", "jwk", "x5c");

	private static final Set<String> TIME_CLAIMS = Set.of("exp", "iat", "nbf");

	/**
	 * 9999-12-31T23:59:59Z: times beyond it are not real and overflow when converted to
	 * milliseconds.
	 */
	private static final double LATEST_TIME = 253402300799d;

	private final OAuth2TokenValidator<Jwt> validator;

	private final boolean trustCloudRunIam;

	final boolean iap;

	private final Converter<Map<String, Object>, Map<String, Object>> claimConverter = MappedJwtClaimSetConverter
		.withDefaults(Map.of());

	IdTokenVerifier(OAuth2TokenValidator<Jwt> validator, boolean trustCloudRunIam) {
		this(validator, trustCloudRunIam, false);
	}

	private IdTokenVerifier(OAuth2TokenValidator<Jwt> validator, boolean trustCloudRunIam, boolean iap) {
		this.validator = validator;
		this.trustCloudRunIam = trustCloudRunIam;
		this.iap = iap;
	}

	/**
	 * A verifier of IAP's signed headers: ES256, no removed signatures, verified as
	 * {@link IapAssertion}s, which no service-account caller rule matches.
	 */
	static IdTokenVerifier iap(OAuth2TokenValidator<Jwt> validator) {
		return new IdTokenVerifier(validator, false, true);
	}

	ParsedToken parse(String token) {
		if (token.length() > MAX_TOKEN_LENGTH) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED);
		}
		int firstDot = token.indexOf('.');
		int secondDot = (firstDot > 0) ? token.indexOf('.', firstDot + 1) : -1;
		if (secondDot <= firstDot + 1 || token.indexOf('.', secondDot + 1) >= 0 || !isBase64Url(token, 0, firstDot)
				|| !isBase64Url(token, firstDot + 1, secondDot)) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED);
		}
		Base64URL encodedHeader = new Base64URL(token.substring(0, firstDot));
		Map<String, Object> headerJson = json(encodedHeader);
		checkAlgorithm(headerJson, this.iap ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256);
		String signature = token.substring(secondDot + 1);
		boolean signatureRemoved = SIGNATURE_REMOVED_BY_GOOGLE.equals(signature);
		if (!signatureRemoved && !isCanonicalBase64Url(signature)) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED);
		}
		JWSHeader header;
		JWTClaimsSet claims;
		try {
			header = JWSHeader.parse(headerJson, encodedHeader);
			Map<String, Object> claimsJson = json(new Base64URL(token.substring(firstDot + 1, secondDot)));
			checkTimes(claimsJson);
			claims = JWTClaimsSet.parse(claimsJson);
		}
		catch (ParseException | IllegalArgumentException ex) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED, RejectionReason.MALFORMED.description(), ex);
		}
		for (String name : header.getIncludedParams()) {
			if (FORBIDDEN_HEADERS.contains(name)) {
				throw new InvalidIdTokenException(RejectionReason.HEADER,
						"The token's header parameter '" + name + "' is not accepted", null);
			}
		}
		if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
			throw new InvalidIdTokenException(RejectionReason.HEADER, "The token's header has no key id", null);
		}
		checkClaimTypes(claims);
		if (signatureRemoved && !this.trustCloudRunIam) {
			throw new InvalidIdTokenException(RejectionReason.SIGNATURE_REMOVED);
		}
		return new ParsedToken(token, header, claims, secondDot, signatureRemoved);
	}

	Jwt verify(ParsedToken token, @Nullable PublicKey key) {
		if (!token.signatureRemoved()) {
			if (key == null) {
				throw new InvalidIdTokenException(RejectionReason.UNKNOWN_KEY);
			}
			try {
				if (!verifier(key).verify(token.header(), token.signingInput(), token.signature())) {
					throw new InvalidIdTokenException(RejectionReason.SIGNATURE);
				}
			}
			catch (JOSEException ex) {
				throw new InvalidIdTokenException(RejectionReason.SIGNATURE, RejectionReason.SIGNATURE.description(),
						ex);
			}
		}
		if (token.claims().getClaim("iat") == null) {
			// checked here because Spring's claim conversion makes up an iat from exp
			throw new InvalidIdTokenException(RejectionReason.ISSUED_AT);
		}
		Jwt jwt = toJwt(token);
		OAuth2TokenValidatorResult result = this.validator.validate(jwt);
		if (result.hasErrors()) {
			throw rejection(result.getErrors());
		}
		return jwt;
	}

	private JWSVerifier verifier(PublicKey key) throws JOSEException {
		if (this.iap ? !(key instanceof ECPublicKey) : !(key instanceof RSAPublicKey)) {
			throw new InvalidIdTokenException(RejectionReason.SIGNATURE);
		}
		return this.iap ? new ECDSAVerifier((ECPublicKey) key) : new RSASSAVerifier((RSAPublicKey) key);
	}

	private static Map<String, Object> json(Base64URL segment) {
		try {
			return JSONObjectUtils.parse(segment.decodeToString(), MAX_TOKEN_LENGTH);
		}
		catch (ParseException | IllegalArgumentException ex) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED, RejectionReason.MALFORMED.description(), ex);
		}
	}

	private static boolean isBase64Url(String value, int start, int end) {
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				return false;
			}
		}
		return end > start;
	}

	/**
	 * The signature is the one segment the signature does not cover: only its canonical
	 * spelling is accepted (unpadded base64url, no stray characters, no unused bits set),
	 * or a lenient decoder would give one token endless spellings that all verify.
	 */
	private static boolean isCanonicalBase64Url(String signature) {
		if (!isBase64Url(signature, 0, signature.length()) || signature.length() % 4 == 1) {
			return false;
		}
		return Base64URL.encode(new Base64URL(signature).decode()).toString().equals(signature);
	}

	private static void checkAlgorithm(Map<String, Object> header, JWSAlgorithm expected) {
		Algorithm algorithm;
		try {
			algorithm = com.nimbusds.jose.Header.parseAlgorithm(header);
		}
		catch (ParseException | IllegalArgumentException ex) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED, RejectionReason.MALFORMED.description(), ex);
		}
		if (Algorithm.NONE.equals(algorithm)) {
			throw new InvalidIdTokenException(RejectionReason.UNSIGNED);
		}
		if (!expected.equals(algorithm)) {
			throw new InvalidIdTokenException(RejectionReason.ALGORITHM);
		}
	}

	private static void checkTimes(@Nullable Map<String, Object> rawClaims) {
		if (rawClaims == null) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED);
		}
		for (String name : TIME_CLAIMS) {
			Object value = rawClaims.get(name);
			if (value != null && (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())
					|| number.doubleValue() < 0 || number.doubleValue() > LATEST_TIME)) {
				throw new InvalidIdTokenException(RejectionReason.MALFORMED,
						"The token's claim '" + name + "' is not a valid time", null);
			}
		}
	}

	private static void checkClaimTypes(JWTClaimsSet claims) {
		for (String name : TIME_CLAIMS) {
			// Nimbus turns numeric times into Dates and refuses other types; this guards
			// against a change of that
			Object value = claims.getClaim(name);
			if (value != null && !(value instanceof java.util.Date)) {
				throw new InvalidIdTokenException(RejectionReason.MALFORMED,
						"The token's claim '" + name + "' is not a number", null);
			}
		}
		Object issuer = claims.getClaim("iss");
		if (issuer != null && !(issuer instanceof String)) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED, "The token's claim 'iss' is not a string",
					null);
		}
		Object audience = claims.getClaim("aud");
		if (audience != null && !(audience instanceof String)
				&& !(audience instanceof Collection<?> list && list.stream().allMatch(String.class::isInstance))) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED,
					"The token's claim 'aud' is not a string or list of strings", null);
		}
	}

	private Jwt toJwt(ParsedToken token) {
		try {
			Map<String, Object> claims = this.claimConverter.convert(token.claims().toJSONObject());
			Instant issuedAt = (Instant) claims.get(JwtClaimNames.IAT);
			Instant expiresAt = (Instant) claims.get(JwtClaimNames.EXP);
			Map<String, Object> header = token.header().toJSONObject();
			return this.iap ? new IapAssertion(token.value(), issuedAt, expiresAt, header, claims)
					: new VerifiedIdToken(token.value(), issuedAt, expiresAt, header, claims);
		}
		catch (RuntimeException ex) {
			throw new InvalidIdTokenException(RejectionReason.MALFORMED, RejectionReason.MALFORMED.description(), ex);
		}
	}

	private static InvalidIdTokenException rejection(Collection<OAuth2Error> errors) {
		for (OAuth2Error error : errors) {
			if (error instanceof IdTokenError idTokenError) {
				return new InvalidIdTokenException(idTokenError.getReason());
			}
		}
		OAuth2Error first = errors.iterator().next();
		String description = (first.getDescription() != null) ? first.getDescription()
				: RejectionReason.OTHER.description();
		return new InvalidIdTokenException(RejectionReason.OTHER, description, null);
	}

	record ParsedToken(String value, JWSHeader header, JWTClaimsSet claims, int signatureStart,
			boolean signatureRemoved) {

		String keyId() {
			return this.header.getKeyID();
		}

		byte[] signingInput() {
			return this.value.substring(0, this.signatureStart).getBytes(StandardCharsets.US_ASCII);
		}

		Base64URL signature() {
			return new Base64URL(this.value.substring(this.signatureStart + 1));
		}

		@Override
		public String toString() {
			return "ParsedToken[kid=" + keyId() + ", signatureRemoved=" + this.signatureRemoved + "]";
		}

	}

}
