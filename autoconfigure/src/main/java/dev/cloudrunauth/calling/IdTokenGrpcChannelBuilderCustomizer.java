package dev.cloudrunauth.calling;

import io.grpc.ManagedChannelBuilder;

import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;

/**
 * Gives each channel of Spring Boot's channel factory whose name is a target's name the
 * interceptor that adds that target's token to all its calls. The global interceptor
 * matches calls by address only, and is never told a channel's name.
 *
 * @param <T> the type of channel builder
 */
final class IdTokenGrpcChannelBuilderCustomizer<T extends ManagedChannelBuilder<T>>
		implements GrpcChannelBuilderCustomizer<T> {

	private final IdTokenSource source;

	private final CallingTargets targets;

	IdTokenGrpcChannelBuilderCustomizer(IdTokenSource source, CallingTargets targets) {
		this.source = source;
		this.targets = targets;
	}

	@Override
	public void customize(String target, T builder) {
		for (CallingTarget candidate : this.targets.asList()) {
			if (candidate.getName().equals(target)) {
				builder.intercept(IdTokenGrpcClientInterceptor.forChannel(this.source, this.targets, candidate));
				return;
			}
		}
	}

}
