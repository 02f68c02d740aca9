package dev.cloudrunauth.sample.receiving;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of hostile requests against the running sample over real HTTP on 127.0.0.1:
 * bad tokens, header and claim tricks, odd encodings and transports, and callers that are
 * authenticated but not allowed. Every case asserts its expected status, that nothing
 * answers 5xx, that the response never contains the token or a segment of it, that a 401
 * carries a {@code WWW-Authenticate: Bearer} challenge, that no session cookie is set,
 * and that no server other than this one is ever contacted because of a token (keys never
 * come from the token). One Spring context serves all cases.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.report-readers=" + HostileRequestsTests.READER,
				"cloudrun.auth.receiving.allowed-callers=" + HostileRequestsTests.CALLER + ","
						+ HostileRequestsTests.READER + ",*@" + HostileRequestsTests.PATTERN_DOMAIN })
class HostileRequestsTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	/** Allowed caller (the emulator's default identity), not a report reader. */
	static final String CALLER = "calling@demo.iam.gserviceaccount.com";

	/** Allowed caller and report reader. */
	static final String READER = "reader@demo.iam.gserviceaccount.com";

	/** A Google identity that is not an allowed caller. */
	static final String STRANGER = "stranger@demo.iam.gserviceaccount.com";

	/**
	 * A service account of another project, which can mint a Google-signed token for any
	 * audience.
	 */
	static final String OUTSIDER = "attacker@evil-project.iam.gserviceaccount.com";

	/** Every service account of this project is an allowed caller. */
	static final String PATTERN_DOMAIN = "kiosk-project.iam.gserviceaccount.com";

	private static final Set<Integer> OK = Set.of(200);

	private static final Set<Integer> UNAUTHORIZED = Set.of(401);

	private static final Set<Integer> FORBIDDEN = Set.of(403);

	/** Rejected by the HTTP server before security: request header fields too large. */
	private static final Set<Integer> TOO_LARGE = Set.of(400, 431);

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private static final KeyPair ATTACKER_RSA = generate("RSA", 2048);

	private static final KeyPair ATTACKER_EC = generate("EC", 256);

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	/** A server that no request should ever reach: jku, x5u and kid URLs point at it. */
	private static LoopbackServer trap;

	private static final ConcurrentLinkedQueue<String> summary = new ConcurrentLinkedQueue<>();

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void emulator(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.receiving.jwk-set-uri", () -> google.emulator().jwkSetUri());
		registry.add("cloudrun.auth.receiving.audiences", () -> AUDIENCE);
	}

	@BeforeAll
	static void startTrap() {
		String keys = "{\"keys\":[" + attackerJwk().toJSONString() + "]}";
		trap = LoopbackServer.start((request) -> LoopbackResponse.json(200, keys));
	}

	@AfterAll
	static void stopTrapAndPrintSummary() {
		if (trap != null) {
			trap.close();
		}
		StringBuilder report = new StringBuilder("\nHostile requests (" + summary.size() + " cases):\n");
		summary.forEach((line) -> report.append(line).append('\n'));
		System.out.println(report);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void hostileRequest(Case hostile) throws Exception {
		Fixture fixture = new Fixture(google.emulator());
		Request request = hostile.request().apply(fixture);
		request.secrets.addAll(fixture.secrets);
		Response response = request.raw ? sendRaw(request) : sendWithJdkClient(request);
		summary.add(String.format(Locale.ROOT, "%-100s expected %-15s actual %d", hostile.name(),
				new TreeSet<>(hostile.expected()), response.status()));

		assertThat(response.status()).as("status < 500 for %s", hostile.name()).isLessThan(500);
		assertThat(response.status()).as("status of %s; response:%n%s", hostile.name(), response.describe())
			.isIn(hostile.expected());
		String everything = response.everything();
		for (String secret : request.secrets) {
			if (secret.length() >= 8) {
				assertThat(everything).as("response to %s contains the token", hostile.name()).doesNotContain(secret);
			}
			for (String segment : secret.split("\\.", -1)) {
				if (segment.length() >= 8) {
					assertThat(everything).as("response to %s contains a token segment", hostile.name())
						.doesNotContain(segment);
				}
			}
		}
		if (response.status() == 401) {
			List<String> challenges = response.headers("WWW-Authenticate");
			assertThat(challenges).as("WWW-Authenticate of %s", hostile.name()).isNotEmpty();
			assertThat(challenges).allSatisfy((challenge) -> assertThat(challenge).startsWith("Bearer"));
		}
		if (response.status() == 403) {
			assertThat(response.headers("WWW-Authenticate")).as("WWW-Authenticate of %s", hostile.name())
				.containsExactly("Bearer error=\"insufficient_scope\", error_description=\"The caller is not allowed "
						+ "to call this service\", error_uri=\"https://tools.ietf.org/html/rfc6750#section-3.1\"");
		}
		assertThat(response.headers("Set-Cookie")).as("cookies set by a stateless service").isEmpty();
		assertThat(trap.requestCount()).as("requests to URLs named in tokens").isZero();
	}

	static Stream<Case> cases() {
		List<Case> cases = new ArrayList<>();

		// Positive controls: the same machinery accepts what it should, so the rejections
		// below mean something
		cases.add(new Case("control: valid token", OK, (f) -> get("/hello").bearer(f.valid())));
		cases.add(new Case("control: aud array containing our audience", OK, (f) -> get("/hello")
			.bearer(f.token().claim("aud", List.of("https://other.example", AUDIENCE)).sign())));
		cases.add(new Case("control: issuer in its bare form accounts.google.com", OK,
				(f) -> get("/hello").bearer(f.token().issuer("accounts.google.com").sign())));
		cases.add(new Case("control: lowercase 'bearer' scheme (RFC 7235 2.1: schemes are case-insensitive)", OK,
				(f) -> get("/hello").header("Authorization", "bearer " + f.secret(f.valid()))));
		cases.add(new Case("control: header name in lower case 'authorization' (raw)", OK,
				(f) -> get("/hello").raw().header("authorization", "Bearer " + f.secret(f.valid()))));
		cases.add(new Case("control: X-Serverless-Authorization valid, app's own Basic in Authorization", OK,
				(f) -> get("/hello").header("X-Serverless-Authorization", "Bearer " + f.secret(f.valid()))
					.header("Authorization", "Basic dXNlcjpwYXNzd29yZA==")));
		cases.add(new Case("control: public /actuator/health ignores a garbage token", OK,
				(f) -> get("/actuator/health").bearer("garbage.garbage.garbage")));
		cases.add(new Case("control: report reader on /reports", OK,
				(f) -> get("/reports").bearer(f.token().serviceAccount(ServiceAccount.of(READER)).sign())));
		cases.add(new Case("control: allowed caller's email in upper case (docs/receiving.md: compared ignoring case)",
				OK, (f) -> get("/hello").bearer(f.token().claim("email", CALLER.toUpperCase(Locale.ROOT)).sign())));

		// Token classes
		cases.add(new Case("no token", UNAUTHORIZED, (f) -> get("/hello")));
		cases.add(new Case("garbage token", UNAUTHORIZED, (f) -> get("/hello").bearer("garbage")));
		cases.add(new Case("empty bearer 'Bearer' (raw)", UNAUTHORIZED,
				(f) -> get("/hello").raw().header("Authorization", "Bearer")));
		cases.add(new Case("empty bearer 'Bearer ' with trailing space (raw)", UNAUTHORIZED,
				(f) -> get("/hello").raw().header("Authorization", "Bearer ")));
		cases.add(new Case("no space after scheme 'BearerTOKEN'", UNAUTHORIZED,
				(f) -> get("/hello").header("Authorization", "Bearer" + f.secret(f.valid()))));
		cases.add(new Case("expired an hour ago", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().issuedAt(f.now().minusSeconds(7200)).expiresAt(f.now().minusSeconds(3600)).sign())));
		cases.add(new Case("expired 2 minutes ago (beyond 30 s clock skew)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().issuedAt(f.now().minusSeconds(3720)).expiresAt(f.now().minusSeconds(120)).sign())));
		cases.add(new Case("not yet valid: nbf in an hour", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().notBefore(f.now().plusSeconds(3600)).sign())));
		cases.add(new Case("iat in the future (in an hour)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().issuedAt(f.now().plusSeconds(3600)).expiresAt(f.now().plusSeconds(7200)).sign())));
		cases.add(new Case("iat missing", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().withoutClaim("iat").sign())));
		cases.add(new Case("exp missing", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().withoutClaim("exp").sign())));
		cases.add(new Case("wrong audience", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().audience("https://other-123456789012.us-central1.run.app").sign())));
		cases.add(new Case("aud array without our audience", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().claim("aud", List.of("https://a.example", "https://b.example")).sign())));
		cases.add(new Case("aud empty array", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("aud", List.of()).sign())));
		cases.add(new Case("aud missing", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().withoutClaim("aud").sign())));
		cases.add(new Case("aud with a trailing slash", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().audience(AUDIENCE + "/").sign())));
		cases.add(new Case("wrong issuer https://evil.example", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().issuer("https://evil.example").sign())));
		cases.add(new Case("non-Google issuer (GitHub Actions) with our audience", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().issuer("https://token.actions.githubusercontent.com").sign())));
		cases.add(new Case("issuer http://accounts.google.com (wrong scheme)", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().issuer("http://accounts.google.com").sign())));
		cases.add(new Case("issuer missing", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().withoutClaim("iss").sign())));
		cases.add(new Case("bad signature: payload swapped for another caller's", UNAUTHORIZED, (f) -> {
			String[] caller = f.valid().split("\\.");
			String[] reader = f.token().serviceAccount(ServiceAccount.of(READER)).sign().split("\\.");
			return get("/reports").bearer(caller[0] + "." + reader[1] + "." + caller[2]);
		}));
		cases.add(new Case("bad signature: one payload character changed", UNAUTHORIZED, (f) -> {
			String[] parts = f.valid().split("\\.");
			char[] payload = parts[1].toCharArray();
			payload[10] = (payload[10] == 'A') ? 'B' : 'A';
			return get("/hello").bearer(parts[0] + "." + new String(payload) + "." + parts[2]);
		}));
		cases
			.add(new Case("signed by another RSA key, kid of Google's published key", UNAUTHORIZED, (f) -> get("/hello")
				.bearer(signRsa(ATTACKER_RSA.getPrivate(), "SHA256withRSA", json(f.header()), json(f.claims())))));
		cases.add(
				new Case("alg none, empty signature", UNAUTHORIZED, (f) -> get("/hello").bearer(f.token().unsigned())));
		cases.add(new Case("alg 'nOnE' keeping a valid signature", UNAUTHORIZED, (f) -> {
			String[] parts = f.valid().split("\\.");
			Map<String, Object> header = f.header();
			header.put("alg", "nOnE");
			return get("/hello").bearer(encode(json(header)) + "." + parts[1] + "." + parts[2]);
		}));
		cases.add(new Case("alg HS256 keyed with the public key (DER)", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().signWithHmac(f.publicKey().getEncoded()))));
		cases.add(new Case("alg HS256 keyed with the public key (PEM)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().signWithHmac(pem(f.publicKey()).getBytes(StandardCharsets.US_ASCII)))));
		cases.add(new Case("alg RS512 in the header over a valid RS256 signature", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.put("alg", "RS512");
			return get("/hello").bearer(f.signRaw(json(header), json(f.claims())));
		}));
		cases.add(new Case("alg RS512 signed by another key", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.put("alg", "RS512");
			return get("/hello")
				.bearer(signRsa(ATTACKER_RSA.getPrivate(), "SHA512withRSA", json(header), json(f.claims())));
		}));
		cases.add(new Case("alg PS256 signed by another key", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.put("alg", "PS256");
			return get("/hello").bearer(signPs256(json(header), json(f.claims())));
		}));
		cases.add(new Case("alg ES256 signed by an EC key", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.put("alg", "ES256");
			return get("/hello").bearer(signEs256(json(header), json(f.claims())));
		}));
		cases.add(new Case("unknown kid", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().header("kid", "0123456789abcdef0123456789abcdef01234567").sign())));
		cases.add(new Case("kid path traversal ../../etc/passwd", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().header("kid", "../../etc/passwd").sign())));
		cases.add(new Case("kid with odd characters (quotes, CR LF, NUL, markup, %, unicode)", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token()
					.header("kid", "\"'\r\nX-Injected: 1\u0000<script>%2e%2e/\u202e\u00e9\ud83d\ude00")
					.sign())));
		cases.add(new Case("kid is a URL of another server", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().header("kid", f.trapUrl("/kid")).sign())));
		cases.add(new Case("kid is a JSON number", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.put("kid", 12345);
			return get("/hello").bearer(f.signRaw(json(header), json(f.claims())));
		}));
		cases.add(new Case("kid missing", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.remove("kid");
			return get("/hello").bearer(f.signRaw(json(header), json(f.claims())));
		}));
		cases.add(new Case("kid empty", UNAUTHORIZED, (f) -> get("/hello").bearer(f.token().header("kid", "").sign())));
		cases.add(new Case("email_verified false", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("email_verified", false).sign())));
		cases.add(new Case("email_verified \"false\" (string)", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("email_verified", "false").sign())));
		cases.add(new Case("email_verified missing", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().withoutClaim("email_verified").sign())));
		cases.add(new Case("email_verified 1 (number)", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("email_verified", 1).sign())));
		cases.add(new Case("no email", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().withoutClaim("email").sign())));
		cases.add(new Case("email empty string", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("email", "").sign())));
		cases.add(new Case("email is an array holding an allowed caller", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("email", List.of(CALLER)).sign())));
		cases.add(new Case("signature replaced by SIGNATURE_REMOVED_BY_GOOGLE in verify mode", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().signWithSignatureRemovedByGoogle())));
		cases.add(new Case("alg RS256 with an empty signature segment", UNAUTHORIZED, (f) -> {
			String token = f.valid();
			return get("/hello").bearer(token.substring(0, token.lastIndexOf('.') + 1));
		}));

		// Header and claim tricks
		cases.add(new Case("jku header pointing at another server (never fetched)", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.put("jku", f.trapUrl("/jwks"));
			header.put("kid", "attacker");
			return get("/hello")
				.bearer(signRsa(ATTACKER_RSA.getPrivate(), "SHA256withRSA", json(header), json(f.claims())));
		}));
		cases.add(new Case("jku header on an otherwise valid token", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().header("jku", f.trapUrl("/jwks")).sign())));
		cases.add(new Case("jwk header (another key) on an otherwise valid token", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().header("jwk", attackerJwk().toJSONObject()).sign())));
		cases.add(new Case("x5u header pointing at another server (never fetched)", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().header("x5u", f.trapUrl("/cert.pem")).sign())));
		cases.add(new Case("jwk header embedding the signer's own key", UNAUTHORIZED, (f) -> {
			Map<String, Object> header = f.header();
			header.put("jwk", attackerJwk().toJSONObject());
			return get("/hello")
				.bearer(signRsa(ATTACKER_RSA.getPrivate(), "SHA256withRSA", json(header), json(f.claims())));
		}));
		cases.add(new Case("x5c header with a certificate chain", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().header("x5c", List.of(Base64.getEncoder().encodeToString(new byte[300]))).sign())));
		cases.add(new Case("crit header [\"exp\"]", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().header("crit", List.of("exp")).sign())));
		cases.add(new Case("crit header [\"b64\"] with b64 false", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().header("b64", false).header("crit", List.of("b64")).sign())));
		cases.add(new Case("duplicate aud claim (foreign first, ours last)", UNAUTHORIZED, (f) -> get("/hello").bearer(
				f.signRaw(json(f.header()), "{\"aud\":\"https://other.example\"," + json(f.claims()).substring(1)))));
		cases.add(new Case("duplicate email claim (allowed caller, then a stranger)", UNAUTHORIZED, (f) -> {
			Map<String, Object> claims = f.claims();
			claims.remove("email");
			return get("/hello").bearer(f.signRaw(json(f.header()),
					"{\"email\":\"" + CALLER + "\",\"email\":\"" + STRANGER + "\"," + json(claims).substring(1)));
		}));
		cases.add(new Case("duplicate alg header (none, then RS256)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.signRaw("{\"alg\":\"none\"," + json(f.header()).substring(1), json(f.claims())))));
		cases.add(new Case("exp as a numeric string \"1999999999\"", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("exp", "1999999999").sign())));
		cases.add(new Case("iat as a numeric string", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("iat", String.valueOf(f.now().getEpochSecond())).sign())));
		cases.add(new Case("nbf as a numeric string", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("nbf", String.valueOf(f.now().getEpochSecond())).sign())));
		cases.add(new Case("exp as a boolean", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("exp", true).sign())));
		// RFC 7519 2: a NumericDate may be non-integer, so accepting a future float exp
		// is as right as refusing it
		cases.add(new Case("exp as a float in the future (RFC 7519 allows non-integer NumericDate)", Set.of(200, 401),
				(f) -> get("/hello").bearer(f.token().claim("exp", f.now().getEpochSecond() + 3600.5).sign())));
		cases.add(new Case("exp as a float in the past", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("exp", f.now().getEpochSecond() - 3600.5).sign())));
		// A genuinely signed far-future exp: no maximum lifetime is documented, so only
		// "not 5xx" is required
		cases.add(new Case("huge exp 1e300", Set.of(200, 401), (f) -> get("/hello")
			.bearer(f.signRaw(json(f.header()), replaceNumber(json(f.claims()), "exp", "1e300")))));
		cases.add(new Case("huge exp 99999999999999999999 (beyond long)", Set.of(200, 401), (f) -> get("/hello")
			.bearer(f.signRaw(json(f.header()), replaceNumber(json(f.claims()), "exp", "99999999999999999999")))));
		// An iat or nbf far in the future must be refused, not wrapped around to 1969 by
		// seconds * 1000 overflowing
		cases.add(new Case("huge iat 1e300 (far in the future)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.signRaw(json(f.header()), replaceNumber(json(f.claims()), "iat", "1e300")))));
		cases.add(new Case("huge nbf 1e300 (far in the future)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.signRaw(json(f.header()), json(f.claims()).replaceFirst("^\\{", "{\"nbf\":1e300,")))));
		// A negative iat is in the past; without a maximum lifetime it is as acceptable
		// as any past iat
		cases.add(new Case("negative iat", Set.of(200, 401),
				(f) -> get("/hello").bearer(f.token().claim("iat", -1L).sign())));
		cases.add(new Case("negative exp", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("exp", -1L).sign())));
		cases.add(new Case("iat NaN (not JSON)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.signRaw(json(f.header()), replaceNumber(json(f.claims()), "iat", "NaN")))));
		cases.add(new Case("exp Infinity (not JSON)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.signRaw(json(f.header()), replaceNumber(json(f.claims()), "exp", "Infinity")))));
		cases.add(new Case("payload in lenient non-JSON syntax (single quotes, unquoted keys)", UNAUTHORIZED, (f) -> {
			String lenient = json(f.claims()).replaceAll("\"([a-z_]+)\":", "$1:").replace('"', '\'');
			return get("/hello").bearer(f.signRaw(json(f.header()), lenient));
		}));
		cases.add(new Case("nested JSON garbage: iss is an object {\"$ne\":null}", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("iss", Map.of("$ne", "x")).sign())));
		cases.add(new Case("nested JSON garbage: aud array holding our audience and an object", UNAUTHORIZED,
				(f) -> get("/hello")
					.bearer(f.token().claim("aud", List.of(AUDIENCE, Map.of("a", List.of(List.of())))).sign())));
		cases.add(new Case("nested JSON garbage: 2000 nested arrays in a claim", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.signRaw(json(f.header()),
						"{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "," + json(f.claims()).substring(1)))));
		cases
			.add(new Case("nested JSON garbage: 2000 nested arrays in the header", UNAUTHORIZED,
					(f) -> get("/hello").bearer(f.signRaw(
							"{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "," + json(f.header()).substring(1),
							json(f.claims())))));
		cases.add(new Case("payload is a JSON array", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.signRaw(json(f.header()), "[" + json(f.claims()) + "]"))));
		cases.add(new Case("header is a JSON array", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.signRaw("[" + json(f.header()) + "]", json(f.claims())))));
		cases.add(new Case("payload is not JSON", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.signRaw(json(f.header()), "hello, world"))));
		cases.add(new Case("non-ASCII in claims: aud with a Cyrillic homoglyph", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().audience(AUDIENCE.replace("a", "\u0430")).sign())));
		cases.add(new Case("non-ASCII in claims: iss with a zero-width space", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().issuer("https://accounts.google.com\u200b").sign())));
		// Google's emails are ASCII: anything else is no Google identity (401), never
		// folded into an allowed one
		cases.add(new Case("non-ASCII in claims: email with umlaut of a non-allowed caller", UNAUTHORIZED,
				(f) -> get("/hello")
					.bearer(f.token().claim("email", "c\u00e4lling@demo.iam.gserviceaccount.com").sign())));
		cases.add(new Case("non-ASCII in claims: allowed project spelled with U+212A KELVIN SIGN, which folds to k",
				UNAUTHORIZED, (f) -> get("/hello")
					.bearer(f.token().claim("email", "anyone@" + PATTERN_DOMAIN.replace('k', '\u212A')).sign())));
		cases.add(new Case("non-ASCII in claims: allowed project spelled with U+0131 dotless i, equal ignoring case",
				UNAUTHORIZED, (f) -> get("/hello")
					.bearer(f.token().claim("email", "anyone@" + PATTERN_DOMAIN.replace('i', '\u0131')).sign())));
		cases.add(new Case("email with two @: a stranger's address before the allowed domain", UNAUTHORIZED,
				(f) -> get("/hello")
					.bearer(f.token().claim("email", "x@evil.com@demo.iam.gserviceaccount.com").sign())));
		// Not the same identity: the allowed-callers check must not trim the token's
		// email into an allowed one
		cases.add(new Case("email of an allowed caller padded with whitespace and control characters", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("email", "\u0000 " + CALLER + "\t").sign())));
		cases.add(new Case("email_verified is the string \"true\", not the boolean", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.token().claim("email_verified", "true").sign())));
		cases.add(new Case("valid for ten years (Google issues one hour)", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().issuedAt(f.now()).expiresAt(f.now().plusSeconds(10L * 365 * 24 * 3600)).sign())));
		cases.add(new Case("valid for one hour and one minute past the clock skew", UNAUTHORIZED, (f) -> get("/hello")
			.bearer(f.token().issuedAt(f.now().minusSeconds(60)).expiresAt(f.now().plusSeconds(3600 + 30)).sign())));
		// Tomcat may refuse non-ASCII header bytes itself (400) before the token grammar
		// does (401)
		cases
			.add(new Case("non-ASCII in the header value: valid token followed by U+00E9 (raw UTF-8)", Set.of(400, 401),
					(f) -> get("/hello").raw().header("Authorization", "Bearer " + f.secret(f.valid()) + "\u00e9")));
		cases.add(new Case("non-ASCII in the header value: 'Bearer t\u00f6k\u00e9n\u2603' (raw UTF-8)",
				Set.of(400, 401), (f) -> get("/hello").raw().header("Authorization", "Bearer t\u00f6k\u00e9n\u2603")));

		// Encoding and transport
		cases.add(new Case("two segments (signature cut off)", UNAUTHORIZED, (f) -> {
			String token = f.valid();
			return get("/hello").bearer(token.substring(0, token.lastIndexOf('.')));
		}));
		cases.add(new Case("four segments (valid token + '.x')", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.valid() + ".xxxxxxxx")));
		cases.add(new Case("five segments (JWE-shaped)", UNAUTHORIZED, (f) -> {
			String header = encode("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\",\"kid\":\"" + f.kid() + "\"}");
			String[] parts = f.valid().split("\\.");
			return get("/hello")
				.bearer(header + "." + parts[2] + ".AAAAAAAAAAAAAAAA." + parts[1] + ".AAAAAAAAAAAAAAAAAAAAAA");
		}));
		cases.add(new Case("all segments empty '..'", UNAUTHORIZED, (f) -> get("/hello").bearer("..")));
		cases.add(new Case("empty header segment", UNAUTHORIZED, (f) -> {
			String[] parts = f.valid().split("\\.");
			return get("/hello").bearer("." + parts[1] + "." + parts[2]);
		}));
		cases.add(new Case("empty payload segment", UNAUTHORIZED, (f) -> {
			String[] parts = f.valid().split("\\.");
			return get("/hello").bearer(parts[0] + ".." + parts[2]);
		}));
		cases.add(new Case("base64 padding inside the header segment", UNAUTHORIZED, (f) -> {
			String[] parts = f.valid().split("\\.");
			return get("/hello").bearer(parts[0] + "==." + parts[1] + "." + parts[2]);
		}));
		// RFC 7515 2 and 7.1: segments are base64url with the padding omitted
		cases.add(new Case("base64 padding '==' after the signature of a valid token", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.valid() + "==")));
		cases.add(
				new Case("standard base64 '+' '/' instead of base64url '-' '_' in the signature", UNAUTHORIZED, (f) -> {
					String token = f.valid();
					int dot = token.lastIndexOf('.');
					String signature = token.substring(dot + 1);
					for (int attempt = 0; !signature.contains("-") && !signature.contains("_"); attempt++) {
						assertThat(attempt).as("a signature with '-' or '_'").isLessThan(20);
						token = f.token().claim("nonce", String.valueOf(attempt)).sign();
						dot = token.lastIndexOf('.');
						signature = token.substring(dot + 1);
					}
					f.secret(token);
					return get("/hello")
						.bearer(token.substring(0, dot + 1) + signature.replace('-', '+').replace('_', '/'));
				}));
		cases.add(new Case("'~' (not base64url, allowed by the Bearer grammar) inside the signature", UNAUTHORIZED,
				(f) -> {
					String token = f.valid();
					f.secret(token);
					return get("/hello")
						.bearer(token.substring(0, token.length() - 10) + "~" + token.substring(token.length() - 10));
				}));
		cases.add(new Case("'~' inside the payload", UNAUTHORIZED, (f) -> {
			String[] parts = f.valid().split("\\.");
			return get("/hello")
				.bearer(parts[0] + "." + parts[1].substring(0, 20) + "~" + parts[1].substring(20) + "." + parts[2]);
		}));
		cases.add(new Case("space inside the token", UNAUTHORIZED, (f) -> {
			String token = f.valid();
			f.secret(token);
			return get("/hello").header("Authorization",
					"Bearer " + token.substring(0, 100) + " " + token.substring(100));
		}));
		cases.add(new Case("tab inside the token (raw)", UNAUTHORIZED, (f) -> {
			String token = f.valid();
			f.secret(token);
			return get("/hello").raw()
				.header("Authorization", "Bearer " + token.substring(0, 100) + "\t" + token.substring(100));
		}));
		cases.add(new Case("obs-fold: token continued on a second header line (raw)", Set.of(400, 401), (f) -> {
			String token = f.valid();
			f.secret(token);
			return get("/hello").raw()
				.header("Authorization", "Bearer " + token.substring(0, 100) + "\r\n " + token.substring(100));
		}));
		cases.add(new Case("NUL byte after the token (raw)", Set.of(400, 401),
				(f) -> get("/hello").raw().header("Authorization", "Bearer " + f.secret(f.valid()) + "\u0000")));
		// RFC 6750 2.1 allows 1*SP between scheme and token; Spring's and this library's
		// grammar allow exactly one.
		// Refusing is safe, accepting is spec-conformant.
		cases.add(new Case("'Bearer' followed by two spaces, valid token (RFC 6750 allows 1*SP)", Set.of(200, 401),
				(f) -> get("/hello").header("Authorization", "Bearer  " + f.secret(f.valid()))));
		cases.add(new Case("Basic scheme in Authorization and no other token", UNAUTHORIZED,
				(f) -> get("/hello").header("Authorization", "Basic " + f.secret("Y2FsbGluZzpzM2NyM3RwYXNzd29yZA=="))));
		cases.add(new Case("DPoP scheme carrying a valid ID token", UNAUTHORIZED,
				(f) -> get("/hello").header("Authorization", "DPoP " + f.secret(f.valid()))));
		cases.add(new Case("Basic scheme carrying a valid ID token", UNAUTHORIZED,
				(f) -> get("/hello").header("Authorization", "Basic " + f.secret(f.valid()))));
		cases.add(new Case("two Authorization headers, both valid (raw)", UNAUTHORIZED,
				(f) -> get("/hello").raw()
					.header("Authorization", "Bearer " + f.secret(f.valid()))
					.header("Authorization",
							"Bearer " + f.secret(f.token().serviceAccount(ServiceAccount.of(READER)).sign()))));
		cases.add(new Case("two Authorization headers, valid then garbage (raw)", UNAUTHORIZED,
				(f) -> get("/hello").raw()
					.header("Authorization", "Bearer " + f.secret(f.valid()))
					.header("Authorization", "Bearer garbage")));
		cases.add(new Case("two Authorization values in one comma-separated header", UNAUTHORIZED, (f) -> get("/hello")
			.header("Authorization", "Bearer " + f.secret(f.valid()) + ", Bearer " + f.secret(f.valid()))));
		cases.add(new Case("valid Authorization + garbage X-Serverless-Authorization", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.valid()).header("X-Serverless-Authorization", "Bearer garbage")));
		cases
			.add(new Case("valid Authorization + expired X-Serverless-Authorization", UNAUTHORIZED, (f) -> get("/hello")
				.bearer(f.valid())
				.header("X-Serverless-Authorization", "Bearer " + f.secret(
						f.token().issuedAt(f.now().minusSeconds(7200)).expiresAt(f.now().minusSeconds(3600)).sign()))));
		cases.add(new Case("X-Serverless-Authorization with Basic scheme + valid Authorization", UNAUTHORIZED,
				(f) -> get("/hello").bearer(f.valid())
					.header("X-Serverless-Authorization", "Basic dXNlcjpwYXNzd29yZA==")));
		cases.add(new Case("X-Serverless-Authorization with Basic scheme alone", UNAUTHORIZED,
				(f) -> get("/hello").header("X-Serverless-Authorization", "Basic dXNlcjpwYXNzd29yZA==")));
		cases.add(new Case("X-Serverless-Authorization empty + valid Authorization (raw)", UNAUTHORIZED,
				(f) -> get("/hello").raw()
					.header("X-Serverless-Authorization", "")
					.header("Authorization", "Bearer " + f.secret(f.valid()))));
		cases.add(new Case("two X-Serverless-Authorization headers, both valid (raw)", UNAUTHORIZED,
				(f) -> get("/hello").raw()
					.header("X-Serverless-Authorization", "Bearer " + f.secret(f.valid()))
					.header("X-Serverless-Authorization", "Bearer " + f.secret(f.valid()))));
		cases.add(new Case("oversized Authorization header, 20 KB (raw)", TOO_LARGE,
				(f) -> get("/hello").raw().header("Authorization", "Bearer " + f.secret("a".repeat(20 * 1024)))));
		cases.add(new Case("oversized Authorization header, 100 KB (raw)", TOO_LARGE,
				(f) -> get("/hello").raw().header("Authorization", "Bearer " + f.secret("b".repeat(100 * 1024)))));
		cases.add(new Case("oversized X-Serverless-Authorization header, 20 KB of token-shaped data (raw)", TOO_LARGE,
				(f) -> get("/hello").raw()
					.header("X-Serverless-Authorization",
							"Bearer " + f.secret(f.valid() + "." + "c".repeat(20 * 1024)))));
		cases.add(new Case("token in query string ?access_token= only", UNAUTHORIZED,
				(f) -> get("/hello?access_token=" + f.secret(f.valid()))));
		cases.add(new Case("token in form body access_token= only (POST)", UNAUTHORIZED,
				(f) -> get("/hello").method("POST").form("access_token=" + f.secret(f.valid()))));
		cases.add(new Case("token in a cookie only", UNAUTHORIZED,
				(f) -> get("/hello").header("Cookie", "access_token=" + f.secret(f.valid()))));
		cases.add(new Case("very long path (4 KB, unmapped) with a valid token", Set.of(404),
				(f) -> get("/hello/" + "p".repeat(4 * 1024)).bearer(f.valid())));
		cases.add(new Case("very long path (16 KB, beyond the header limit) with a valid token", Set.of(400, 414, 431),
				(f) -> get("/hello/" + "p".repeat(16 * 1024)).raw().bearer(f.valid())));
		cases.add(new Case("HEAD /hello without a token", UNAUTHORIZED, (f) -> get("/hello").method("HEAD")));
		cases.add(new Case("POST /hello with a garbage token", UNAUTHORIZED,
				(f) -> get("/hello").method("POST").form("a=b").bearer("garbage.garbage.garbage")));
		// Tomcat refuses TRACE before the filter chain runs; the method, not the valid
		// token, is the problem
		cases.add(new Case("TRACE /hello with a valid token (must not echo it)", Set.of(405),
				(f) -> get("/hello").raw().method("TRACE").bearer(f.valid())));
		cases.add(new Case("POST /hello (GET only) with a valid token", Set.of(405),
				(f) -> get("/hello").method("POST").form("a=b").bearer(f.valid())));
		cases.add(
				new Case("TRACE /hello without a token", Set.of(401, 405), (f) -> get("/hello").raw().method("TRACE")));
		cases.add(new Case("OPTIONS /hello without a token", UNAUTHORIZED, (f) -> get("/hello").method("OPTIONS")));
		// public by design (RFC 9728, served by Spring Security;
		// docs/receiving.md#hostile-input): it holds no secret, and the
		// starter fills it with this service's audience (ReceivingApplicationTests checks
		// the content)
		cases.add(new Case("protected resource metadata /.well-known/oauth-protected-resource without a token",
				Set.of(200), (f) -> get("/.well-known/oauth-protected-resource")));
		cases.add(new Case("invalid percent-encoding /hello%zz with a valid token (raw)", Set.of(400),
				(f) -> get("/hello%zz").raw().bearer(f.valid())));
		// Spring Security's StrictHttpFirewall rejects these with 400 before any
		// authentication; the path, not the
		// valid token, is the problem, so 401 would send the caller looking for a token
		// problem
		cases.add(new Case("semicolon in the path /hello;x=y with a valid token (raw)", Set.of(400),
				(f) -> get("/hello;x=y").raw().bearer(f.valid())));
		cases.add(new Case("encoded percent /hello%2525 with a valid token (raw)", Set.of(400),
				(f) -> get("/hello%2525").raw().bearer(f.valid())));
		cases.add(new Case("public path traversal /actuator/health/../../hello without a token (raw)", Set.of(400, 401),
				(f) -> get("/actuator/health/../../hello").raw()));
		cases.add(new Case("public path traversal /actuator/health/..;/..;/hello without a token (raw)",
				Set.of(400, 401), (f) -> get("/actuator/health/..;/..;/hello").raw()));
		cases.add(new Case("public path traversal with encoded slashes without a token (raw)", Set.of(400, 401),
				(f) -> get("/actuator/health%2F..%2F..%2Fhello").raw()));
		cases.add(new Case("public path traversal with encoded dots without a token (raw)", Set.of(400, 401),
				(f) -> get("/actuator/health/%2e%2e/%2e%2e/hello").raw()));
		cases
			.add(new Case("double slash //hello without a token (raw)", Set.of(400, 401), (f) -> get("//hello").raw()));
		cases.add(new Case("public path prefix /actuator/healthz without a token", UNAUTHORIZED,
				(f) -> get("/actuator/healthz")));

		// Authorization of authenticated callers
		cases.add(new Case("allowed caller not in sample.report-readers on /reports", FORBIDDEN,
				(f) -> get("/reports").bearer(f.valid())));
		cases.add(new Case("caller not in allowed-callers on /hello", FORBIDDEN,
				(f) -> get("/hello").bearer(f.token().serviceAccount(ServiceAccount.of(STRANGER)).sign())));
		cases.add(new Case("caller not in allowed-callers on /reports", FORBIDDEN,
				(f) -> get("/reports").bearer(f.token().serviceAccount(ServiceAccount.of(STRANGER)).sign())));
		cases.add(new Case("caller not in allowed-callers via X-Serverless-Authorization", FORBIDDEN,
				(f) -> get("/whoami").header("X-Serverless-Authorization",
						"Bearer " + f.secret(f.token().serviceAccount(ServiceAccount.of(STRANGER)).sign()))));
		cases.add(new Case("caller not in allowed-callers, reader's email in the sub claim", FORBIDDEN,
				(f) -> get("/reports").bearer(f.token()
					.serviceAccount(ServiceAccount.of(STRANGER))
					.claim("sub", READER)
					.claim("azp", READER)
					.sign())));
		cases.add(new Case("service account of another project, Google-signed for our audience", FORBIDDEN,
				(f) -> get("/hello").bearer(f.token().serviceAccount(ServiceAccount.of(OUTSIDER)).sign())));
		cases.add(new Case("service account of a project whose id ends like an allowed domain pattern", FORBIDDEN,
				(f) -> get("/hello")
					.bearer(f.token().serviceAccount(ServiceAccount.of("x@" + PATTERN_DOMAIN + ".evil.com")).sign())));
		cases.add(new Case("service account of a project whose id starts like an allowed domain pattern", FORBIDDEN,
				(f) -> get("/hello")
					.bearer(f.token().serviceAccount(ServiceAccount.of("x@evil" + PATTERN_DOMAIN)).sign())));
		cases.add(new Case("control: any service account of the project named by *@" + PATTERN_DOMAIN, OK,
				(f) -> get("/hello")
					.bearer(f.token().serviceAccount(ServiceAccount.of("anyone@" + PATTERN_DOMAIN)).sign())));
		cases.add(new Case("control: same project, domain in upper case", OK,
				(f) -> get("/hello").bearer(f.token()
					.serviceAccount(ServiceAccount.of("anyone@" + PATTERN_DOMAIN.toUpperCase(Locale.ROOT)))
					.sign())));

		return cases.stream();
	}

	// Requests

	private static Request get(String path) {
		return new Request(path);
	}

	private Response sendWithJdkClient(Request request) throws IOException, InterruptedException {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + request.path))
			.timeout(Duration.ofSeconds(20));
		for (String[] header : request.headers) {
			builder.header(header[0], header[1]);
		}
		builder.method(request.method, (request.body != null) ? HttpRequest.BodyPublishers.ofByteArray(request.body)
				: HttpRequest.BodyPublishers.noBody());
		HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
		List<String[]> headers = new ArrayList<>();
		response.headers()
			.map()
			.forEach((name, values) -> values.forEach((value) -> headers.add(new String[] { name, value })));
		return new Response(response.statusCode(), "HTTP/1.1 " + response.statusCode(), headers, response.body());
	}

	private Response sendRaw(Request request) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		StringBuilder head = new StringBuilder();
		head.append(request.method).append(' ').append(request.path).append(" HTTP/1.1\r\n");
		head.append("Host: 127.0.0.1:").append(this.port).append("\r\n");
		for (String[] header : request.headers) {
			head.append(header[0]).append(": ").append(header[1]).append("\r\n");
		}
		if (request.body != null) {
			head.append("Content-Length: ").append(request.body.length).append("\r\n");
		}
		head.append("Connection: close\r\n\r\n");
		bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
		if (request.body != null) {
			bytes.writeBytes(request.body);
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(20_000);
			IOException writeFailure = null;
			try {
				OutputStream out = socket.getOutputStream();
				out.write(bytes.toByteArray());
				out.flush();
			}
			catch (IOException ex) {
				// the server may answer and close before reading an oversized request to
				// its end
				writeFailure = ex;
			}
			byte[] received = readUntilClosed(socket.getInputStream());
			if (received.length == 0) {
				throw new IOException("No response to the raw request", writeFailure);
			}
			return Response.parse(received);
		}
	}

	private static byte[] readUntilClosed(InputStream in) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			int read;
			while ((read = in.read(buffer)) != -1) {
				received.write(buffer, 0, read);
			}
		}
		catch (SocketException ex) {
			if (received.size() == 0) {
				throw ex;
			}
		}
		return received.toByteArray();
	}

	// Tokens

	private static String json(Map<String, ?> map) {
		return JSONObjectUtils.toJSONString(new LinkedHashMap<>(map));
	}

	private static String encode(String json) {
		return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	private static String replaceNumber(String json, String claim, String literal) {
		String replaced = json.replaceFirst("\"" + claim + "\":-?[0-9.eE+]+", "\"" + claim + "\":" + literal);
		assertThat(replaced).as("claims with %s replaced", claim).isNotEqualTo(json);
		return replaced;
	}

	private static String signRsa(PrivateKey key, String algorithm, String headerJson, String payloadJson) {
		String signingInput = encode(headerJson) + "." + encode(payloadJson);
		try {
			Signature signature = Signature.getInstance(algorithm);
			signature.initSign(key);
			signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + BASE64URL.encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String signPs256(String headerJson, String payloadJson) {
		String signingInput = encode(headerJson) + "." + encode(payloadJson);
		try {
			Signature signature = Signature.getInstance("RSASSA-PSS");
			signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
			signature.initSign(ATTACKER_RSA.getPrivate());
			signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + BASE64URL.encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String signEs256(String headerJson, String payloadJson) {
		return signRsa(ATTACKER_EC.getPrivate(), "SHA256withECDSAinP1363Format", headerJson, payloadJson);
	}

	private static RSAKey attackerJwk() {
		return new RSAKey.Builder((RSAPublicKey) ATTACKER_RSA.getPublic()).keyID("attacker").build();
	}

	private static String pem(RSAPublicKey key) {
		return "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

	private static KeyPair generate(String algorithm, int size) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
			if ("EC".equals(algorithm)) {
				generator.initialize(new ECGenParameterSpec("secp256r1"));
			}
			else {
				generator.initialize(size);
			}
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A hostile request and the statuses it may get.
	 */
	record Case(String name, Set<Integer> expected, Function<Fixture, Request> request) {

		@Override
		public String toString() {
			return this.name + " -> " + new TreeSet<>(this.expected);
		}

	}

	/**
	 * What cases build requests from; remembers every token it hands out as a secret the
	 * response must not contain.
	 */
	static final class Fixture {

		private final GoogleIdentityEmulator emulator;

		private final List<String> secrets = new ArrayList<>();

		Fixture(GoogleIdentityEmulator emulator) {
			this.emulator = emulator;
		}

		Instant now() {
			return Instant.now();
		}

		IdTokenBuilder token() {
			return this.emulator.idToken(AUDIENCE);
		}

		String valid() {
			return token().sign();
		}

		String kid() {
			return this.emulator.keys().signingKeyId();
		}

		RSAPublicKey publicKey() {
			return this.emulator.keys().publicKey(kid());
		}

		Map<String, Object> claims() {
			return token().claims();
		}

		Map<String, Object> header() {
			Map<String, Object> header = new LinkedHashMap<>();
			header.put("alg", "RS256");
			header.put("kid", kid());
			header.put("typ", "JWT");
			return header;
		}

		String signRaw(String headerJson, String payloadJson) {
			return this.emulator.signRaw(headerJson, payloadJson);
		}

		String trapUrl(String path) {
			return trap.url() + path;
		}

		String secret(String token) {
			this.secrets.add(token);
			return token;
		}

	}

	/**
	 * An HTTP request, sent with the JDK client or, for what it refuses to send, written
	 * byte by byte.
	 */
	static final class Request {

		private final String path;

		private String method = "GET";

		private final List<String[]> headers = new ArrayList<>();

		private byte[] body;

		private boolean raw;

		private final List<String> secrets = new ArrayList<>();

		Request(String path) {
			this.path = path;
		}

		Request method(String method) {
			this.method = method;
			return this;
		}

		Request raw() {
			this.raw = true;
			return this;
		}

		Request header(String name, String value) {
			this.headers.add(new String[] { name, value });
			return this;
		}

		Request bearer(String token) {
			this.secrets.add(token);
			return header("Authorization", "Bearer " + token);
		}

		Request form(String body) {
			this.body = body.getBytes(StandardCharsets.UTF_8);
			return header("Content-Type", "application/x-www-form-urlencoded");
		}

	}

	/**
	 * An HTTP response: status line, all headers, body.
	 */
	record Response(int status, String statusLine, List<String[]> headerList, String body) {

		static Response parse(byte[] received) {
			String text = new String(received, StandardCharsets.ISO_8859_1);
			int end = text.indexOf("\r\n\r\n");
			String head = (end >= 0) ? text.substring(0, end) : text;
			String body = (end >= 0) ? text.substring(end + 4) : "";
			String[] lines = head.split("\r\n");
			String statusLine = lines[0];
			String[] status = statusLine.split(" ", 3);
			List<String[]> headers = new ArrayList<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					headers.add(
							new String[] { lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim() });
				}
			}
			boolean chunked = headers.stream()
				.anyMatch((h) -> h[0].equalsIgnoreCase("Transfer-Encoding")
						&& h[1].toLowerCase(Locale.ROOT).contains("chunked"));
			if (chunked) {
				body = body + "\n" + dechunk(body);
			}
			return new Response(Integer.parseInt(status[1]), statusLine, headers, body);
		}

		private static String dechunk(String chunked) {
			StringBuilder body = new StringBuilder();
			int index = 0;
			while (index < chunked.length()) {
				int lineEnd = chunked.indexOf("\r\n", index);
				if (lineEnd < 0) {
					break;
				}
				int size;
				try {
					size = Integer.parseInt(chunked.substring(index, lineEnd).split(";")[0].trim(), 16);
				}
				catch (NumberFormatException ex) {
					break;
				}
				if (size == 0) {
					break;
				}
				int start = lineEnd + 2;
				body.append(chunked, start, Math.min(start + size, chunked.length()));
				index = start + size + 2;
			}
			return body.toString();
		}

		List<String> headers(String name) {
			return this.headerList.stream().filter((h) -> h[0].equalsIgnoreCase(name)).map((h) -> h[1]).toList();
		}

		String everything() {
			StringBuilder all = new StringBuilder(this.statusLine).append('\n');
			this.headerList.forEach((h) -> all.append(h[0]).append(": ").append(h[1]).append('\n'));
			return all.append('\n').append(this.body).toString();
		}

		String describe() {
			String all = everything();
			return (all.length() > 2000) ? all.substring(0, 2000) + "..." : all;
		}

	}

}
