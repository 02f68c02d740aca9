package dev.cloudrunauth.receiving;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder builders' defaults are written out rather than bound (binding at class
 * initialization costs startup time): they must stay those of the properties.
 */
class IdTokenDecoderBuilderDefaultsTests {

	private final CloudRunReceivingProperties defaults = new Binder().bindOrCreate("cloudrun.auth.receiving",
			CloudRunReceivingProperties.class);

	@Test
	void theServletBuildersDefaultsAreThoseOfTheProperties() {
		assertSameDefaults(GoogleIdTokenDecoder.withAudiences("https://a.example"));
	}

	@Test
	void theReactiveBuildersDefaultsAreThoseOfTheProperties() {
		assertSameDefaults(ReactiveGoogleIdTokenDecoder.withAudiences("https://a.example"));
	}

	private void assertSameDefaults(Object builder) {
		assertThat(field(builder, "jwkSetUri")).isEqualTo(URI.create(this.defaults.jwkSetUri()));
		assertThat(field(builder, "issuers")).isEqualTo(List.copyOf(this.defaults.issuers()));
		assertThat(field(builder, "clockSkew")).isEqualTo(this.defaults.clockSkew());
		assertThat(field(builder, "maxTokenLifetime")).isEqualTo(this.defaults.maxTokenLifetime());
		assertThat(field(builder, "jwkSetTimeout")).isEqualTo(this.defaults.jwkSetTimeout());
		assertThat(field(builder, "jwkSetRefetchInterval")).isEqualTo(this.defaults.jwkSetRefetchInterval());
		assertThat(field(builder, "trustCloudRunIam")).isEqualTo(this.defaults.trustCloudRunIam());
		assertThat(field(builder, "verifiedTokensMaxSize")).isEqualTo(this.defaults.verifiedTokens().maxSize());
	}

	private static Object field(Object builder, String name) {
		return ReflectionTestUtils.getField(builder, IdTokenDecoderBuilder.class, name);
	}

}
