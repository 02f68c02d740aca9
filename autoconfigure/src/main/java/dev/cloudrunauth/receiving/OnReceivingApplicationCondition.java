package dev.cloudrunauth.receiving;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;

/**
 * Matches in applications that receive calls: web applications, and applications that
 * serve gRPC with Spring Boot's gRPC server (which need not be web applications), so that
 * a gRPC-only service is closed by default like the others.
 */
class OnReceivingApplicationCondition extends AnyNestedCondition {

	OnReceivingApplicationCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnWebApplication
	static class WebApplication {

	}

	@ConditionalOnClass(name = { "io.grpc.BindableService", "org.springframework.grpc.server.GrpcServerFactory",
			"org.springframework.grpc.server.security.GrpcSecurity" })
	@ConditionalOnBooleanProperty(name = "spring.grpc.server.enabled", matchIfMissing = true)
	@ConditionalOnBean(type = "io.grpc.BindableService")
	static class GrpcServer {

	}

}
