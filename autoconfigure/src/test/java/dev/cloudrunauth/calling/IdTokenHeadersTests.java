package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class IdTokenHeadersTests {

	private static final String AUTHORIZATION = "Authorization";

	private static final String X_SERVERLESS_AUTHORIZATION = "X-Serverless-Authorization";

	@Test
	void authorizationTargetGetsTheTokenInAuthorizationOrBesideTheApplicationsOwnAuthorization() {
		CallingTarget target = target(IdTokenHeader.AUTHORIZATION);
		assertThat(IdTokenHeaders.choose(target, Set.of()::contains)).isEqualTo(IdTokenHeader.AUTHORIZATION);
		assertThat(IdTokenHeaders.choose(target, Set.of(AUTHORIZATION)::contains))
			.isEqualTo(IdTokenHeader.X_SERVERLESS_AUTHORIZATION);
	}

	@Test
	void xServerlessAuthorizationTargetGetsTheTokenThereWhateverAuthorizationHolds() {
		CallingTarget target = target(IdTokenHeader.X_SERVERLESS_AUTHORIZATION);
		assertThat(IdTokenHeaders.choose(target, Set.of()::contains))
			.isEqualTo(IdTokenHeader.X_SERVERLESS_AUTHORIZATION);
		assertThat(IdTokenHeaders.choose(target, Set.of(AUTHORIZATION)::contains))
			.isEqualTo(IdTokenHeader.X_SERVERLESS_AUTHORIZATION);
	}

	@Test
	void requestThatAlreadyCarriesXServerlessAuthorizationGetsNoTokenInEitherMode() {
		for (IdTokenHeader header : IdTokenHeader.values()) {
			CallingTarget target = target(header);
			assertThat(IdTokenHeaders.choose(target, Set.of(X_SERVERLESS_AUTHORIZATION)::contains)).as(header.name())
				.isNull();
			assertThat(IdTokenHeaders.choose(target, Set.of(AUTHORIZATION, X_SERVERLESS_AUTHORIZATION)::contains))
				.as(header.name())
				.isNull();
		}
	}

	@Test
	void existingXServerlessAuthorizationIsReportedOncePerTargetNamingTheHeader(CapturedOutput output) {
		CallingTarget receiving = target(IdTokenHeader.AUTHORIZATION);
		CallingTarget other = new CallingTarget("other", URI.create("https://other-1.a.run.app"),
				"https://other-1.a.run.app", IdTokenHeader.X_SERVERLESS_AUTHORIZATION);
		for (int i = 0; i < 3; i++) {
			IdTokenHeaders.choose(receiving, Set.of(X_SERVERLESS_AUTHORIZATION)::contains);
			IdTokenHeaders.choose(other, Set.of(AUTHORIZATION, X_SERVERLESS_AUTHORIZATION)::contains);
		}
		assertThat(warnings(output, "receiving")).isEqualTo(1);
		assertThat(warnings(output, "other")).isEqualTo(1);
		assertThat(output.getAll()).contains("WARN", "already carries X-Serverless-Authorization");
	}

	static long warnings(CapturedOutput output, String target) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains("target '" + target + "'")
					&& line.contains("already carries X-Serverless-Authorization"))
			.count();
	}

	private static CallingTarget target(IdTokenHeader header) {
		return new CallingTarget("receiving", URI.create("https://receiving-1.a.run.app"),
				"https://receiving-1.a.run.app", header);
	}

}
