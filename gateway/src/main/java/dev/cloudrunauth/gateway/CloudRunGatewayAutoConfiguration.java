package dev.cloudrunauth.gateway;

import dev.cloudrunauth.calling.CloudRunCallingAutoConfiguration;
import dev.cloudrunauth.calling.IdTokenUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.gateway.server.mvc.handler.ProxyExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.HandlerFunction;

/**
 * Auto-configuration for Spring Cloud Gateway server-webmvc: a routed request for which
 * no ID token can be had gets 503 rather than the 500 of an unhandled exception.
 */
@AutoConfiguration(after = CloudRunCallingAutoConfiguration.class)
@ConditionalOnClass(ProxyExchange.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public final class CloudRunGatewayAutoConfiguration {

	@Bean
	HandlerExceptionResolver cloudRunIdTokenUnavailableResolver() {
		return new IdTokenUnavailableResolver();
	}

	/**
	 * Answers 503 to a gateway route's request that was not sent for want of a token: the
	 * gateway cannot reach the service for now, as when it is down. Gateway routes are
	 * handler functions, to which {@code @ExceptionHandler} methods do not apply.
	 */
	static final class IdTokenUnavailableResolver implements HandlerExceptionResolver, Ordered {

		private static final Log logger = LogFactory.getLog(IdTokenUnavailableResolver.class);

		@Override
		public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
				@Nullable Object handler, Exception ex) {
			IdTokenUnavailableException unavailable = find(ex);
			if (unavailable == null || !(handler instanceof HandlerFunction<?>) || response.isCommitted()) {
				return null;
			}
			// the message names the audience, the credentials and the reason: never a
			// token
			logger.warn("Routed request " + request.getMethod() + " " + request.getRequestURI() + " not sent: "
					+ unavailable.getMessage());
			try {
				response.sendError(HttpStatus.SERVICE_UNAVAILABLE.value());
			}
			catch (java.io.IOException sendFailed) {
				return null;
			}
			return new ModelAndView();
		}

		private static @Nullable IdTokenUnavailableException find(Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof IdTokenUnavailableException unavailable) {
					return unavailable;
				}
			}
			return null;
		}

		@Override
		public int getOrder() {
			// before Spring MVC's own resolvers (order 0), after Boot's error attributes
			return -1;
		}

	}

}
