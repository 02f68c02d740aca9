package dev.cloudrunauth.test.autoconfigure;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} imported by {@link AutoConfigureGoogleIdentity}: the calling side
 * mints through the emulator's metadata server, as on Cloud Run, unless the application
 * brings credentials of its own ({@code GoogleCredentials} bean or
 * {@code cloudrun.auth.calling.credentials-location}). Application Default Credentials
 * would find the machine's own gcloud credentials first, and google-auth-library reads
 * {@code GCE_METADATA_HOST} only from the process environment, hence the credentials and
 * transport beans.
 */
@AutoConfiguration(beforeName = "dev.cloudrunauth.calling.CloudRunCallingAutoConfiguration")
@ConditionalOnClass({ GoogleCredentials.class, ComputeEngineCredentials.class })
@ConditionalOnBean(GoogleIdentityEmulator.class)
public final class GoogleIdentityEmulatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HttpTransportFactory googleIdentityEmulatorTransportFactory(GoogleIdentityEmulator emulator) {
		return new EmulatorHttpTransportFactory(emulator);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(NoCredentialsLocation.class)
	GoogleCredentials googleIdentityEmulatorCredentials(GoogleIdentityEmulator emulator) {
		return ComputeEngineCredentials.newBuilder()
			.setHttpTransportFactory(new EmulatorHttpTransportFactory(emulator))
			.build();
	}

	static final class NoCredentialsLocation extends SpringBootCondition {

		private static final String PROPERTY = "cloudrun.auth.calling.credentials-location";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return context.getEnvironment().containsProperty(PROPERTY) ? ConditionOutcome.noMatch(PROPERTY + " is set")
					: ConditionOutcome.match(PROPERTY + " is not set");
		}

	}

}
