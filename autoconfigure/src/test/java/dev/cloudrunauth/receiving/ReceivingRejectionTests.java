package dev.cloudrunauth.receiving;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Requests the receiving side refuses, in one table for both stacks: every case is sent
 * to a servlet application (MockMvc) and to a WebFlux application (WebTestClient), each
 * started for the case, and must get its status and its {@code WWW-Authenticate}
 * challenge, and no echo of any credential it carried, in a header or the body.
 */
class ReceivingRejectionTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String CALLER = "calling@emulator-project.iam.gserviceaccount.com";

	static final String READER = "reader@emulator-project.iam.gserviceaccount.com";

	private static final String[] TRUST_MODE = { "cloudrun.auth.receiving.trust-cloud-run-iam=true",
			"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true" };

	private static final String CALLERS = "cloudrun.auth.receiving.allowed-callers=" + CALLER + "," + READER;

	private static final String ONLY_READER = "cloudrun.auth.receiving.allowed-callers=" + READER;

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	static List<Rejection> rejections() {
		return List.of(refuse("requestWithoutToken", (tokens) -> Request.get("/hello")).bareChallenge(),
				refuse("garbageToken", (tokens) -> bearer("not-a-token")).invalidToken(RejectionReason.MALFORMED),
				refuse("threeSegmentsOfGarbage", (tokens) -> bearer("a.b.c")).invalidToken(RejectionReason.MALFORMED),
				refuse("expiredToken",
						(tokens) -> bearer(tokens.idToken()
							.issuedAt(Instant.now().minusSeconds(3700))
							.expiresAt(Instant.now().minusSeconds(100))
							.sign()))
					.invalidToken(RejectionReason.EXPIRED),
				refuse("tokenNotYetValid",
						(tokens) -> bearer(tokens.idToken().notBefore(Instant.now().plusSeconds(600)).sign()))
					.invalidToken(RejectionReason.NOT_YET_VALID),
				refuse("tokenIssuedInTheFuture",
						(tokens) -> bearer(tokens.idToken()
							.issuedAt(Instant.now().plusSeconds(600))
							.expiresAt(Instant.now().plusSeconds(4200))
							.sign()))
					.invalidToken(RejectionReason.ISSUED_AT),
				refuse("tokenWithoutIssueTime", (tokens) -> bearer(tokens.idToken().withoutClaim("iat").sign()))
					.invalidToken(RejectionReason.ISSUED_AT),
				refuse("tokenWithoutExpiry", (tokens) -> bearer(tokens.idToken().withoutClaim("exp").sign()))
					.invalidToken(RejectionReason.EXPIRED),
				refuse("tokenForAnotherAudience",
						(tokens) -> bearer(
								tokens.idToken().audience("https://other-123456789012.us-central1.run.app").sign()))
					.invalidToken(RejectionReason.AUDIENCE),
				refuse("tokenFromAnotherIssuer",
						(tokens) -> bearer(tokens.idToken().issuer("https://evil.example").sign()))
					.invalidToken(RejectionReason.ISSUER),
				refuse("tokenWithATamperedPayload", (tokens) -> bearer(tokens.tamperedPayload()))
					.invalidToken(RejectionReason.SIGNATURE),
				refuse("tokenSignedByAnotherKeyUnderAKnownKeyId", (tokens) -> bearer(tokens.signedByAnImpostor()))
					.invalidToken(RejectionReason.SIGNATURE),
				refuse("unsignedToken", (tokens) -> bearer(tokens.idToken().unsigned()))
					.invalidToken(RejectionReason.UNSIGNED),
				refuse("hs256TokenKeyedWithThePublicKey", (tokens) -> bearer(tokens.keyedWithThePublicKey()))
					.invalidToken(RejectionReason.ALGORITHM),
				refuse("tokenSignedWithAnUnknownKey",
						(tokens) -> bearer(tokens.idToken().header("kid", "no-such-key").sign()))
					.invalidToken(RejectionReason.UNKNOWN_KEY),
				refuse("unverifiedEmail", (tokens) -> bearer(tokens.idToken().claim("email_verified", false).sign()))
					.invalidToken(RejectionReason.EMAIL_NOT_VERIFIED),
				refuse("tokenWithoutEmail",
						(tokens) -> bearer(
								tokens.idToken().withoutClaim("email").withoutClaim("email_verified").sign()))
					.invalidToken(RejectionReason.EMAIL),
				refuse("tokenWhoseSignatureCloudRunRemovedWhileVerifyingSignatures",
						(tokens) -> bearer(tokens.idToken().signWithSignatureRemovedByGoogle()))
					.invalidToken(RejectionReason.SIGNATURE_REMOVED),
				refuse("callerNotAllowed", (tokens) -> bearer(tokens.valid())).callerNotAllowed()
					.properties(ONLY_READER),
				refuse("badXServerlessAuthorizationBesideAValidAuthorization",
						(tokens) -> Request.get("/hello")
							.header("X-Serverless-Authorization", "Bearer garbage")
							.header("Authorization", "Bearer " + tokens.valid()))
					.invalidToken(RejectionReason.MALFORMED),
				refuse("twoAuthorizationHeaders",
						(tokens) -> Request.get("/hello")
							.header("Authorization", "Bearer " + tokens.valid(), "Bearer " + tokens.valid()))
					.invalidToken("Found more than one Authorization header"),
				refuse("twoTokensInOneAuthorizationHeader",
						(tokens) -> Request.get("/hello").header("Authorization", "Bearer two tokens"))
					.invalidToken("Bearer token is malformed"),
				refuse("xServerlessAuthorizationOfAnotherScheme",
						(tokens) -> Request.get("/hello").header("X-Serverless-Authorization", "Basic YXBwOm93bg=="))
					.invalidToken("Bearer token is malformed"),
				refuse("tokenInTheQueryStringIsIgnored",
						(tokens) -> Request.get("/hello").query("access_token", tokens.valid()))
					.bareChallenge(),
				refuse("tokenInAFormBodyIsIgnored",
						(tokens) -> Request.postForm("/hello", "access_token=" + tokens.valid()))
					.bareChallenge(),
				refuse("pathBesideThePublicOnes", (tokens) -> Request.get("/actuator/info")).bareChallenge(),
				refuse("trustModeTokenForAnotherAudience",
						(tokens) -> bearer(
								tokens.idToken().audience("https://other.example").signWithSignatureRemovedByGoogle()))
					.invalidToken(RejectionReason.AUDIENCE)
					.properties(TRUST_MODE),
				refuse("trustModeTokenFromAnotherIssuer",
						(tokens) -> bearer(
								tokens.idToken().issuer("https://evil.example").signWithSignatureRemovedByGoogle()))
					.invalidToken(RejectionReason.ISSUER)
					.properties(TRUST_MODE),
				refuse("trustModeExpiredToken",
						(tokens) -> bearer(tokens.idToken()
							.issuedAt(Instant.now().minusSeconds(4000))
							.expiresAt(Instant.now().minusSeconds(400))
							.signWithSignatureRemovedByGoogle()))
					.invalidToken(RejectionReason.EXPIRED)
					.properties(TRUST_MODE),
				refuse("trustModeAnyOtherSignatureIsVerified", (tokens) -> bearer(tokens.otherSignature()))
					.invalidToken(RejectionReason.SIGNATURE)
					.properties(TRUST_MODE),
				refuse("trustModeCallerNotAllowed",
						(tokens) -> bearer(tokens.idToken().signWithSignatureRemovedByGoogle()))
					.callerNotAllowed()
					.properties(TRUST_MODE)
					.properties(ONLY_READER));
	}

	static Stream<Arguments> rejectionsOnEachStack() {
		return rejections().stream()
			.flatMap((rejection) -> Arrays.stream(Stack.values()).map((stack) -> Arguments.of(rejection, stack)));
	}

	@ParameterizedTest(name = "{0} ({1})")
	@MethodSource("rejectionsOnEachStack")
	void isRefused(Rejection rejection, Stack stack) {
		Request request = rejection.request().apply(new Tokens(google.emulator()));
		Response response = stack.send(google.emulator(), request, rejection.properties());
		assertThat(response.status()).as("status").isEqualTo(rejection.status());
		rejection.challenge().verify(response.challenge(), stack);
		for (String credential : request.credentials()) {
			// not doesNotContain, which would print the token
			assertThat(response.text().contains(credential)).as("the response echoes a credential").isFalse();
		}
	}

	private static Rejection refuse(String name, Function<Tokens, Request> request) {
		return new Rejection(name, request, 401, (challenge, stack) -> fail("The case names no challenge"),
				new String[0]);
	}

	private static Request bearer(String token) {
		return Request.get("/hello").header("Authorization", "Bearer " + token);
	}

	/**
	 * A request that must be refused.
	 *
	 * @param name what is wrong with it
	 * @param request the request, from tokens signed when the case runs
	 * @param status the status it gets
	 * @param challenge checks the {@code WWW-Authenticate} header it gets
	 * @param properties the application's properties beyond the defaults of the table
	 */
	record Rejection(String name, Function<Tokens, Request> request, int status, Challenge challenge,
			String[] properties) {

		Rejection bareChallenge() {
			return new Rejection(this.name, this.request, 401,
					(challenge, stack) -> assertThat(challenge).as("challenge").isEqualTo(stack.challenge()),
					this.properties);
		}

		Rejection invalidToken(RejectionReason reason) {
			return invalidToken(reason.description());
		}

		Rejection invalidToken(String description) {
			return new Rejection(this.name, this.request, 401,
					(challenge,
							stack) -> assertThat(challenge).as("challenge")
								.isEqualTo(stack.challenge("error=\"invalid_token\"",
										"error_description=\"" + description + "\"",
										"error_uri=\"https://tools.ietf.org/html/rfc6750#section-3.1\"")),
					this.properties);
		}

		Rejection callerNotAllowed() {
			return new Rejection(this.name, this.request, 403,
					(challenge, stack) -> assertThat(challenge).as("challenge").isEqualTo(CallerNotAllowed.CHALLENGE),
					this.properties);
		}

		Rejection properties(String... more) {
			String[] all = Arrays.copyOf(this.properties, this.properties.length + more.length);
			System.arraycopy(more, 0, all, this.properties.length, more.length);
			return new Rejection(this.name, this.request, this.status, this.challenge, all);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * Checks a {@code WWW-Authenticate} header.
	 */
	@FunctionalInterface
	interface Challenge {

		void verify(@Nullable String challenge, Stack stack);

	}

	/**
	 * Tokens from the emulator, for the service's audience.
	 *
	 * @param emulator the emulator
	 */
	record Tokens(GoogleIdentityEmulator emulator) {

		IdTokenBuilder idToken() {
			return this.emulator.idToken(AUDIENCE);
		}

		String valid() {
			return idToken().sign();
		}

		String tamperedPayload() {
			String token = valid();
			String forged = idToken()
				.serviceAccount(ServiceAccount.of("admin@emulator-project.iam.gserviceaccount.com"))
				.sign();
			return forged.substring(0, forged.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));
		}

		String signedByAnImpostor() {
			try (GoogleIdentityEmulator impostor = GoogleIdentityEmulator.start()) {
				return impostor.idToken(AUDIENCE)
					.header("kid", this.emulator.keys().signingKeyId())
					.serviceAccount(ServiceAccount.of(CALLER))
					.sign();
			}
		}

		String keyedWithThePublicKey() {
			byte[] publicKey = this.emulator.keys().publicKey(this.emulator.keys().signingKeyId()).getEncoded();
			return idToken().signWithHmac(publicKey);
		}

		String otherSignature() {
			String token = valid();
			return token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
		}

	}

	/**
	 * A request, in terms both stacks' clients can make.
	 *
	 * @param method the method
	 * @param path the path
	 * @param headers the headers
	 * @param query the query parameters
	 * @param form the form body, if any
	 */
	record Request(HttpMethod method, String path, MultiValueMap<String, String> headers,
			MultiValueMap<String, String> query, @Nullable String form) {

		static Request get(String path) {
			return new Request(HttpMethod.GET, path, new LinkedMultiValueMap<>(), new LinkedMultiValueMap<>(), null);
		}

		static Request postForm(String path, String form) {
			return new Request(HttpMethod.POST, path, new LinkedMultiValueMap<>(), new LinkedMultiValueMap<>(), form);
		}

		Request header(String name, String... values) {
			this.headers.addAll(name, List.of(values));
			return this;
		}

		Request query(String name, String value) {
			this.query.add(name, value);
			return this;
		}

		/**
		 * Return what the request carries that must never come back: every header value
		 * after its scheme, every query and form value, and, of tokens, each long enough
		 * part.
		 */
		List<String> credentials() {
			List<String> values = new ArrayList<>();
			this.headers.values()
				.forEach((list) -> list.forEach((value) -> values.add(value.substring(value.indexOf(' ') + 1))));
			this.query.values().forEach(values::addAll);
			if (this.form != null) {
				for (String pair : this.form.split("&")) {
					values.add(pair.substring(pair.indexOf('=') + 1));
				}
			}
			List<String> credentials = new ArrayList<>(values);
			for (String value : values) {
				Arrays.stream(value.split("\\.")).filter((part) -> part.length() >= 16).forEach(credentials::add);
			}
			return credentials;
		}

	}

	/**
	 * What came back.
	 *
	 * @param status the status
	 * @param challenge the {@code WWW-Authenticate} header, if any
	 * @param text every header and the body
	 */
	record Response(int status, @Nullable String challenge, String text) {

	}

	enum Stack {

		/**
		 * Spring Security's servlet resource server also serves the protected resource
		 * metadata of RFC 9728, and names it in each of its 401 challenges; its WebFlux
		 * resource server does neither.
		 */
		SERVLET("resource_metadata=\"http://localhost/.well-known/oauth-protected-resource\"") {

			@Override
			Response send(GoogleIdentityEmulator emulator, Request request, String... properties) {
				AtomicReference<Response> response = new AtomicReference<>();
				ReceivingContexts.servlet(emulator, AUDIENCE)
					.withUserConfiguration(ServletController.class)
					.withPropertyValues(CALLERS)
					.withPropertyValues(properties)
					.run((context) -> {
						assertThat(context).hasNotFailed();
						MockHttpServletResponse result = ReceivingContexts.mockMvc(context)
							.perform(servletRequest(request))
							.andReturn()
							.getResponse();
						StringBuilder text = new StringBuilder();
						for (String name : result.getHeaderNames()) {
							text.append(name).append(": ").append(result.getHeaders(name)).append('\n');
						}
						text.append(result.getContentAsString());
						response.set(new Response(result.getStatus(), result.getHeader(HttpHeaders.WWW_AUTHENTICATE),
								text.toString()));
					});
				return response.get();
			}

			private static MockHttpServletRequestBuilder servletRequest(Request request) {
				MockHttpServletRequestBuilder builder = MockMvcRequestBuilders.request(request.method(),
						request.path());
				// parameters rather than a query string, which Spring Security's
				// FilterChainProxy logs at DEBUG:
				// the test logs must hold no token (NoTokenInTestLogsIT)
				request.query().forEach((name, values) -> builder.param(name, values.toArray(String[]::new)));
				request.headers().forEach((name, values) -> builder.header(name, values.toArray()));
				if (request.form() != null) {
					builder.contentType(MediaType.APPLICATION_FORM_URLENCODED).content(request.form());
				}
				return builder;
			}

		},

		REACTIVE() {

			@Override
			Response send(GoogleIdentityEmulator emulator, Request request, String... properties) {
				AtomicReference<Response> response = new AtomicReference<>();
				ReceivingContexts.reactive(emulator, AUDIENCE)
					.withUserConfiguration(ReactiveController.class)
					.withPropertyValues(CALLERS)
					.withPropertyValues(properties)
					.run((context) -> {
						assertThat(context).hasNotFailed();
						WebTestClient.RequestBodySpec spec = ReceivingContexts.webTestClient(context)
							.method(request.method())
							.uri((uri) -> {
								uri.path(request.path());
								request.query().forEach((name, values) -> uri.queryParam(name, values.toArray()));
								return uri.build();
							});
						request.headers().forEach((name, values) -> spec.header(name, values.toArray(String[]::new)));
						WebTestClient.RequestHeadersSpec<?> ready = (request.form() != null)
								? spec.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(request.form())
								: spec;
						EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
						byte[] body = result.getResponseBody();
						String text = result.getResponseHeaders() + "\n"
								+ ((body != null) ? new String(body, StandardCharsets.UTF_8) : "");
						response.set(new Response(result.getStatus().value(),
								result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE), text));
					});
				return response.get();
			}

		};

		private final List<String> challengeParameters;

		Stack(String... challengeParameters) {
			this.challengeParameters = List.of(challengeParameters);
		}

		abstract Response send(GoogleIdentityEmulator emulator, Request request, String... properties);

		/**
		 * Return the 401 challenge of this stack with the given parameters.
		 */
		String challenge(String... parameters) {
			List<String> all = new ArrayList<>(List.of(parameters));
			all.addAll(this.challengeParameters);
			return all.isEmpty() ? "Bearer" : "Bearer " + String.join(", ", all);
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	@RestController
	static class ServletController {

		@GetMapping({ "/hello", "/actuator/info" })
		String hello(Authentication authentication) {
			return "Hello, " + authentication.getName() + "!";
		}

		@PostMapping("/hello")
		String post(Authentication authentication) {
			return "posted";
		}

	}

	@RestController
	static class ReactiveController {

		@GetMapping({ "/hello", "/actuator/info" })
		Mono<String> hello(Mono<Authentication> authentication) {
			return authentication.map((caller) -> "Hello, " + caller.getName() + "!");
		}

		@PostMapping("/hello")
		Mono<String> post() {
			return Mono.just("posted");
		}

	}

}
