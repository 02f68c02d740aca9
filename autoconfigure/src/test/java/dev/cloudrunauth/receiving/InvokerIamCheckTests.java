package dev.cloudrunauth.receiving;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class InvokerIamCheckTests {

	private static final Duration INTERVAL = Duration.ofMillis(200);

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@BeforeEach
	void invokerIamCheckOnAndReadable() {
		google.emulator().cloudRun().setInvokerIamDisabled(false);
		google.emulator().cloudRun().setAdminPermissionDenied(false);
	}

	@Test
	void aSettingChangedWithoutANewRevisionIsNoticedAtTheNextCheck() {
		GoogleIdentityEmulator emulator = google.emulator();
		try (InvokerIamCheck check = started()) {
			await().until(() -> check.state() == InvokerIamCheck.State.ON);
			emulator.cloudRun().setInvokerIamDisabled(true);
			await().until(() -> check.state() == InvokerIamCheck.State.OFF);
			emulator.cloudRun().setInvokerIamDisabled(false);
			await().until(() -> check.state() == InvokerIamCheck.State.ON);
		}
	}

	@Test
	void aSettingOnceReadStandsWhileTheApiCannotBeReached() throws InterruptedException {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.cloudRun().setInvokerIamDisabled(true);
		try (InvokerIamCheck check = started()) {
			await().until(() -> check.state() == InvokerIamCheck.State.OFF);
			emulator.inject(EmulatorEndpoint.CLOUD_RUN_ADMIN, Fault.refuseConnections());
			long requests = emulator.requests(EmulatorEndpoint.METADATA);
			await().until(() -> emulator.requests(EmulatorEndpoint.METADATA) > requests + 2);
			assertThat(check.state()).isEqualTo(InvokerIamCheck.State.OFF);
		}
	}

	@Test
	void anUnreadableServiceIsWarnedAboutOnce(CapturedOutput output) {
		google.emulator().cloudRun().setAdminPermissionDenied(true);
		try (InvokerIamCheck check = started()) {
			await().until(() -> google.emulator().requests(EmulatorEndpoint.CLOUD_RUN_ADMIN) >= 4);
			assertThat(check.state()).isEqualTo(InvokerIamCheck.State.UNKNOWN);
			assertThat(check.problem()).contains("HTTP 403");
			assertThat(output.getAll().split("Cannot read Cloud Run service", -1)).hasSize(2);
		}
	}

	@Test
	void theAdminApiIsCalledThroughTheGivenRequestFactoryAndTheMetadataServerDirectly() {
		GoogleIdentityEmulator emulator = google.emulator();
		List<URI> requested = new CopyOnWriteArrayList<>();
		ClientHttpRequestFactory jdk = JwkSetFetcher.defaultRequestFactory(Duration.ofSeconds(2)).get();
		ClientHttpRequestFactory recording = (uri, method) -> {
			requested.add(uri);
			return jdk.createRequest(uri, method);
		};
		try (InvokerIamCheck check = new InvokerIamCheck("receiving", URI.create(emulator.metadataUri()),
				URI.create(emulator.cloudRun().apiUri()), () -> recording, INTERVAL, Duration.ofSeconds(2))) {
			check.start();
			await().until(() -> check.state() == InvokerIamCheck.State.ON);
			assertThat(requested).isNotEmpty()
				.allSatisfy((uri) -> assertThat(uri.toString()).startsWith(emulator.cloudRun().apiUri()));
		}
	}

	@Test
	void theFirstOutcomeCompletesTheFutureThatRequestsWaitFor() throws Exception {
		try (InvokerIamCheck check = started()) {
			assertThat(check.firstResult().get()).isEqualTo(InvokerIamCheck.State.ON);
		}
	}

	private static InvokerIamCheck started() {
		GoogleIdentityEmulator emulator = google.emulator();
		InvokerIamCheck check = new InvokerIamCheck("receiving", URI.create(emulator.metadataUri()),
				URI.create(emulator.cloudRun().apiUri()), JwkSetFetcher.defaultRequestFactory(Duration.ofSeconds(2)),
				INTERVAL, Duration.ofSeconds(2));
		check.start();
		return check;
	}

}
