package dev.cloudrunauth.calling;

import java.util.List;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenProvider;
      import reactor.core.publisher.Mono;

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
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the calling side: an
 * {@link IdTokenSource}, the request factory and filter that add its tokens to every {@code RestClient},
 * {@code RestTemplate} and {@code WebClient} call to a configured target, and an interceptor for clients built by
 * hand.
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
			ObjectProvider<IdTokenMintListener> mintListeners) {
		List<IdTokenMintListener> listeners = mintListeners.orderedStream().toList();
		return CallingPropertiesMapper.idTokenSource(properties, targets, credentials.getIfUnique(),
				transportFactory.getIfUnique(), (audience, duration, failure) -> listeners
					.forEach((listener) -> listener.minted(audience, duration, failure)));
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
