package dev.cloudrunauth.calling;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenProvider;
import io.grpc.ClientInterceptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;

import dev.cloudrunauth.GoogleIdentityConnectionDetails;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GlobalClientInterceptor;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the calling side: an {@link IdTokenSource} whose mints are
 * observed, the request factory and filter that add its tokens to every
 * {@code RestClient}, {@code RestTemplate} and {@code WebClient} call to a configured
 * target, an interceptor for clients built by hand, the gRPC client interceptor, and the
 * token cache's meters. With {@link GoogleIdentityConnectionDetails} it mints through
 * their metadata server, unless the application brings credentials of its own.
 *
 * @see CloudRunCallingProperties
 */
@AutoConfiguration
@ConditionalOnClass({ GoogleCredentials.class, IdTokenProvider.class })
@ConditionalOnCloudRunCallingEnabled
@EnableConfigurationProperties(CloudRunCallingProperties.class)
public final class CloudRunCallingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CallingTargets callingTargets(CloudRunCallingProperties properties) {
		return CallingPropertiesMapper.targets(properties);
	}

	@Bean
	@ConditionalOnMissingBean(IdTokenSource.class)
	GoogleIdTokenSource idTokenSource(CloudRunCallingProperties properties, CallingTargets targets,
			ObjectProvider<GoogleCredentials> credentials, ObjectProvider<HttpTransportFactory> transportFactory,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<GoogleIdentityConnectionDetails> connectionDetails) {
		GoogleCredentials givenCredentials = credentials.getIfUnique();
		HttpTransportFactory transport = transportFactory.getIfUnique();
		GoogleIdentityConnectionDetails connection = connectionDetails.getIfAvailable();
		if (connection != null) {
			if (transport == null) {
				transport = new MetadataServerTransportFactory(connection.metadataServerHost());
			}
			if (givenCredentials == null && properties.getCredentialsLocation() == null) {
				givenCredentials = MetadataServerTransportFactory.metadataServerCredentials(transport);
			}
		}
		return CallingPropertiesMapper.idTokenSource(properties, targets, givenCredentials, transport,
				observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class TokenCacheMetricsConfiguration {

		@Bean
		MeterBinder cloudRunTokenCacheMeters(ObjectProvider<GoogleIdTokenSource> source) {
			return (registry) -> source.ifAvailable((tokens) -> {
				FunctionCounter.builder("cloudrun.auth.token.cache", tokens, GoogleIdTokenSource::cacheHits)
					.description("Calls answered from the ID token cache, or not")
					.tag("result", "hit")
					.register(registry);
				FunctionCounter.builder("cloudrun.auth.token.cache", tokens, GoogleIdTokenSource::cacheMisses)
					.description("Calls answered from the ID token cache, or not")
					.tag("result", "miss")
					.register(registry);
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ClientHttpRequestInterceptor.class)
	static class InterceptorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		IdTokenClientHttpRequestInterceptor idTokenClientHttpRequestInterceptor(IdTokenSource source,
				CallingTargets targets) {
			return new IdTokenClientHttpRequestInterceptor(source, targets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "feign.RequestInterceptor")
	static class FeignConfiguration {

		@Bean
		@ConditionalOnMissingBean
		IdTokenFeignRequestInterceptor idTokenFeignRequestInterceptor(IdTokenSource source, CallingTargets targets) {
			return new IdTokenFeignRequestInterceptor(source, targets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(
			name = { "io.grpc.ClientInterceptor", "org.springframework.grpc.client.GlobalClientInterceptor" })
	static class GrpcClientConfiguration {

		/**
		 * Applied to every channel of Boot's channel factory; typed as a plain
		 * interceptor, for channels built by hand to name as
		 * {@code idTokenGrpcClientInterceptor}.
		 */
		@Bean
		@GlobalClientInterceptor
		@ConditionalOnMissingBean(name = "idTokenGrpcClientInterceptor")
		ClientInterceptor idTokenGrpcClientInterceptor(IdTokenSource source, CallingTargets targets) {
			return new IdTokenGrpcClientInterceptor(source, targets);
		}

		@Bean
		IdTokenGrpcChannelBuilderCustomizer<?> idTokenGrpcChannelBuilderCustomizer(IdTokenSource source,
				CallingTargets targets) {
			return new IdTokenGrpcChannelBuilderCustomizer<>(source, targets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ClientHttpRequestFactoryBuilderCustomizer.class)
	static class RequestFactoryConfiguration {

		@Bean
		CallingTargetsRequestFactoryBuilderCustomizer idTokenRequestFactoryBuilderCustomizer(CallingTargets targets,
				IdTokenSource source) {
			return new CallingTargetsRequestFactoryBuilderCustomizer(targets, source);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ExchangeFilterFunction.class, Mono.class })
	static class ExchangeFilterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		IdTokenExchangeFilterFunction idTokenExchangeFilterFunction(IdTokenSource source, CallingTargets targets) {
			return new IdTokenExchangeFilterFunction(source, targets);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(WebClientCustomizer.class)
		static class WebClientCustomizerConfiguration {

			@Bean
			WebClientCustomizer idTokenWebClientCustomizer(IdTokenExchangeFilterFunction filter,
					CallingTargets targets) {
				return (builder) -> {
					if (!targets.isEmpty()) {
						builder.filter(filter);
					}
				};
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(ClientHttpConnectorBuilderCustomizer.class)
		static class ConnectorConfiguration {

			@Bean
			NonRedirectingTargetsConnectorBuilderCustomizer idTokenConnectorBuilderCustomizer(CallingTargets targets) {
				return new NonRedirectingTargetsConnectorBuilderCustomizer(targets);
			}

		}

	}

}
