package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.CompositeCallCredentials;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Adds an ID token to each gRPC call to a {@link CallingTargets target}: a call whose
 * authority ({@code host[:port]}, the name TLS verifies) and method path
 * ({@code /package.Service/Method}) fall under a target's URL, where the target's
 * {@code https} scheme is a channel with TLS, {@code http} one without, and {@code grpc}
 * (a target of gRPC calls only) one with TLS, or a channel to a loopback address with or
 * without; calls to anything else pass unchanged. A channel of Boot's named like a target
 * (the name of {@code spring.grpc.client.channel.<name>} and of
 * {@code cloudrun.auth.calling.targets.<name>}) gets that target's token on every call,
 * whatever its address. The token goes in the header the other clients choose
 * ({@code x-serverless-authorization} when the call already carries its own
 * {@code authorization} or call credentials, none when it carries
 * {@code x-serverless-authorization}).
 * <p>
 * The token is applied as {@link CallCredentials}, which gRPC asks for without blocking
 * and before the call is sent: a token that cannot be had fails the call with
 * {@code UNAVAILABLE} (an unexpected failure with {@code UNAUTHENTICATED}), as gRPC's own
 * Google credentials do, and the call is never sent without it. grpc-auth's
 * {@code GoogleAuthLibraryCallCredentials} sends access tokens to every call of a
 * channel; it has no per-target audience nor the Cloud Run header rules.
 */
final class IdTokenGrpcClientInterceptor implements ClientInterceptor {

	/**
	 * Set on the calls this interceptor gives a token, so that another instance further
	 * down the same channel (a channel's own and the global one) does not add a second.
	 */
	private static final CallOptions.Key<Boolean> TOKEN_ADDED = CallOptions.Key.createWithDefault("cloudrun-auth.token",
			false);

	private final CallingTargets targets;

	private final IdTokenHeaders headers;

	private final @Nullable CallingTarget channelTarget;

	/**
	 * Whether any target has a {@code grpc} URL: if none, a call's address is not looked
	 * up a second time.
	 */
	private final boolean grpcTargets;

	IdTokenGrpcClientInterceptor(IdTokenSource source, CallingTargets targets) {
		this(source, targets, null);
	}

	private IdTokenGrpcClientInterceptor(IdTokenSource source, CallingTargets targets,
			@Nullable CallingTarget channelTarget) {
		this.targets = targets;
		this.headers = new IdTokenHeaders(source, targets);
		this.channelTarget = channelTarget;
		this.grpcTargets = targets.asList()
			.stream()
			.anyMatch((target) -> CallingTarget.GRPC.equalsIgnoreCase(target.getUrl().getScheme()));
	}

	/**
	 * Return the interceptor of a channel named like a target: every call on it gets that
	 * target's token, whatever the channel's address.
	 * @param source the tokens
	 * @param targets the targets
	 * @param target the channel's target
	 * @return the interceptor
	 */
	static IdTokenGrpcClientInterceptor forChannel(IdTokenSource source, CallingTargets targets, CallingTarget target) {
		return new IdTokenGrpcClientInterceptor(source, targets, target);
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
		String authority = (callOptions.getAuthority() != null) ? callOptions.getAuthority() : next.authority();
		if (callOptions.getOption(TOKEN_ADDED)
				|| (this.channelTarget == null && (this.targets.isEmpty() || authority == null
						|| (target(true, authority, method) == null && target(false, authority, method) == null)))) {
			return next.newCall(method, callOptions);
		}
		TokenCredentials token = new TokenCredentials(callOptions.getCredentials() != null);
		CallCredentials credentials = (callOptions.getCredentials() != null)
				? new CompositeCallCredentials(callOptions.getCredentials(), token) : token;
		ClientCall<Q, R> call = next.newCall(method,
				callOptions.withCallCredentials(credentials).withOption(TOKEN_ADDED, true));
		return new SimpleForwardingClientCall<>(call) {

			@Override
			public void start(Listener<R> responseListener, Metadata headers) {
				// credentials are applied when the stream is created, during start
				token.seeHeaders(headers);
				super.start(responseListener, headers);
			}

		};
	}

	private @Nullable CallingTarget target(boolean secure, String authority, MethodDescriptor<?, ?> method) {
		try {
			String path = "://" + authority + "/" + method.getFullMethodName();
			CallingTarget target = this.targets.match(new URI((secure ? "https" : "http") + path));
			if (!this.grpcTargets) {
				return target;
			}
			URI grpc = new URI(CallingTarget.GRPC + path);
			CallingTarget grpcTarget = (secure || (grpc.getHost() != null && CallingTarget.isLoopback(grpc.getHost())))
					? this.targets.match(grpc) : null;
			// the longer path wins, as among targets of one scheme; on a tie the grpc one
			return (grpcTarget != null && (target == null || grpcTarget.pathLength() >= target.pathLength()))
					? grpcTarget : target;
		}
		catch (Exception ex) {
			// no URL, no target
			return null;
		}
	}

	private static Metadata.Key<String> key(IdTokenHeader header) {
		return Metadata.Key.of(header.headerName(), Metadata.ASCII_STRING_MARSHALLER);
	}

	/**
	 * The token of one call, in the header chosen from the headers the call was started
	 * with.
	 */
	private final class TokenCredentials extends CallCredentials {

		private final boolean ownCredentials;

		private volatile boolean authorizationPresent;

		private volatile boolean xServerlessAuthorizationPresent;

		TokenCredentials(boolean ownCredentials) {
			this.ownCredentials = ownCredentials;
		}

		void seeHeaders(Metadata headers) {
			this.authorizationPresent = headers.containsKey(key(IdTokenHeader.AUTHORIZATION));
			this.xServerlessAuthorizationPresent = headers.containsKey(key(IdTokenHeader.X_SERVERLESS_AUTHORIZATION));
		}

		@Override
		public void applyRequestMetadata(RequestInfo info, Executor appExecutor, MetadataApplier applier) {
			boolean secure = info.getSecurityLevel() == SecurityLevel.PRIVACY_AND_INTEGRITY;
			CallingTarget target = (IdTokenGrpcClientInterceptor.this.channelTarget != null)
					? IdTokenGrpcClientInterceptor.this.channelTarget
					: target(secure, info.getAuthority(), info.getMethodDescriptor());
			IdTokenHeader header = (target != null) ? IdTokenHeaders.choose(target, this::present) : null;
			if (target == null || header == null) {
				applier.apply(new Metadata());
				return;
			}
			CompletableFuture<String> token;
			try {
				token = IdTokenGrpcClientInterceptor.this.headers.tokenAsync(target);
			}
			catch (RuntimeException ex) {
				applier.fail(status(target, ex));
				return;
			}
			token.whenComplete((value, failure) -> {
				if (failure != null) {
					applier.fail(status(target, failure));
					return;
				}
				Metadata metadata = new Metadata();
				metadata.put(key(header), IdTokenGrpcClientInterceptor.this.headers.headerValue(target, value));
				applier.apply(metadata);
			});
		}

		private boolean present(String name) {
			if (name.equalsIgnoreCase(IdTokenHeader.X_SERVERLESS_AUTHORIZATION.headerName())) {
				return this.xServerlessAuthorizationPresent;
			}
			// call credentials of the application's own typically carry authorization
			return name.equalsIgnoreCase(IdTokenHeader.AUTHORIZATION.headerName())
					&& (this.authorizationPresent || this.ownCredentials);
		}

		private static Status status(CallingTarget target, Throwable failure) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof IdTokenUnavailableException unavailable) {
				return Status.UNAVAILABLE.withDescription(unavailable.forTarget(target.getName()).getMessage())
					.withCause(cause);
			}
			return Status.UNAUTHENTICATED
				.withDescription("Call to target '" + target.getName() + "' not sent: no ID token")
				.withCause(cause);
		}

	}

}
