package dev.cloudrunauth.receiving;

import java.util.ArrayList;
import java.util.List;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.grpc.server.security.GrpcAuthenticationExtractor;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.util.Assert;
import org.springframework.util.PatternMatchUtils;

/**
 * {@link GrpcAuthenticationExtractor} for Cloud Run, the gRPC counterpart of
 * {@link CloudRunBearerTokenResolver}: the token from
 * {@code x-serverless-authorization: Bearer} metadata if present, else from
 * {@code authorization: Bearer}; a repeated or malformed entry is rejected
 * (UNAUTHENTICATED). Calls to public methods are not authenticated, so a stale token
 * cannot make a health check fail. Use it in a {@code GrpcSecurity} of your own with
 * {@code authenticationExtractor(...)} and a {@code JwtAuthenticationProvider}, rather
 * than {@code oauth2ResourceServer(...)}, whose extractor reads {@code authorization}
 * only: in trust mode a caller could pass Cloud Run's IAM check with its own token in
 * {@code x-serverless-authorization} and name anyone in an unsigned one in
 * {@code authorization}, which Cloud Run passes through untouched.
 */
final class CloudRunGrpcAuthenticationExtractor implements GrpcAuthenticationExtractor {

	private static final Metadata.Key<String> X_SERVERLESS_AUTHORIZATION = Metadata.Key
		.of(BearerTokenHeaders.X_SERVERLESS_AUTHORIZATION, Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of(BearerTokenHeaders.AUTHORIZATION,
			Metadata.ASCII_STRING_MARSHALLER);

	private String[] publicMethods = {};

	@Override
	public @Nullable Authentication extract(Metadata headers, Attributes attributes, MethodDescriptor<?, ?> method) {
		if (PatternMatchUtils.simpleMatch(this.publicMethods, method.getFullMethodName())) {
			return null;
		}
		String token = BearerTokenHeaders.resolve(values(headers, X_SERVERLESS_AUTHORIZATION),
				values(headers, AUTHORIZATION));
		return (token != null) ? new CallToken(token, GrpcCallRules.path(method.getFullMethodName())) : null;
	}

	/**
	 * Leave calls to the given methods unauthenticated.
	 * @param publicMethods full method names, such as
	 * {@code grpc.health.v1.Health/Check}, or patterns that
	 * {@link PatternMatchUtils#simpleMatch(String, String)} matches, as
	 * {@code GrpcSecurity}'s {@code methods(...)} does
	 */
	public void setPublicMethods(String... publicMethods) {
		Assert.noNullElements(publicMethods, "publicMethods cannot contain null elements");
		this.publicMethods = publicMethods.clone();
	}

	/**
	 * The bearer token of a call, with the call's path ({@code /} and the full method
	 * name), by which {@link GrpcCallRules} picks the decoder.
	 */
	static final class CallToken extends BearerTokenAuthenticationToken {

		private static final long serialVersionUID = 1L;

		private final String path;

		CallToken(String token, String path) {
			super(token);
			this.path = path;
		}

		String path() {
			return this.path;
		}

	}

	private static List<String> values(Metadata headers, Metadata.Key<String> key) {
		Iterable<String> values = headers.getAll(key);
		List<String> list = new ArrayList<>();
		if (values != null) {
			values.forEach(list::add);
		}
		return list;
	}

}
