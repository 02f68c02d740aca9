package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

/**
 * Runs the emulator as a standalone process until Ctrl-C:
 * {@code java -jar cloudrun-auth-spring-boot-test-VERSION-emulator.jar --port 8090}.
 */
public final class GoogleIdentityEmulatorMain {

	private GoogleIdentityEmulatorMain() {
	}

	public static void main(String[] args) throws Exception {
		GoogleIdentityEmulatorBuilder builder = GoogleIdentityEmulator.builder();
		Path keyFile = null;
		List<String> otherAccounts = new ArrayList<>();
		boolean invokerIamDisabled = false;
		try {
			for (int i = 0; i < args.length; i++) {
				String option = args[i];
				if (option.equals("--help") || option.equals("-h")) {
					usage(System.out);
					return;
				}
				if (option.equals("--invoker-iam-disabled")) {
					invokerIamDisabled = true;
					continue;
				}
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException("Missing value for " + option);
				}
				String value = args[++i];
				switch (option) {
					case "--port" -> builder.port(Integer.parseInt(value));
					case "--service-account" -> builder.serviceAccount(value);
					case "--project-id" -> builder.projectId(value);
					case "--project-number" -> builder.projectNumber(value);
					case "--region" -> builder.region(value);
					case "--token-lifetime" -> builder.tokenLifetime(Duration.ofSeconds(Long.parseLong(value)));
					case "--issuer" -> builder.issuer(Issuer.valueOf(value.toUpperCase()));
					case "--write-key" -> keyFile = Path.of(value);
					case "--other-service-account" -> otherAccounts.add(value);
					default -> throw new IllegalArgumentException("Unknown option " + option);
				}
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println("error: " + ex.getMessage());
			usage(System.err);
			System.exit(2);
		}
		GoogleIdentityEmulator emulator;
		try {
			emulator = builder.start();
		}
		catch (PortInUseException ex) {
			System.err.println("error: port " + ex.port() + " (" + label(ex.endpoint()) + ") is already in use on "
					+ "127.0.0.1; stop what listens there, choose another --port (the emulator takes N to N+4), "
					+ "or use --port 0 for free ports");
			System.exit(1);
			return;
		}
		emulator.cloudRun().setInvokerIamDisabled(invokerIamDisabled);
		otherAccounts.forEach(emulator::serviceAccount);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			emulator.close();
			System.out.println("Google identity emulator stopped.");
			stopped.countDown();
		}, "google-identity-emulator-shutdown"));
		if (keyFile != null) {
			writeKey(emulator, keyFile);
		}
		printBanner(emulator, keyFile, invokerIamDisabled);
		stopped.await();
	}

	private static void writeKey(GoogleIdentityEmulator emulator, Path keyFile) throws IOException {
		emulator.writeServiceAccountKey(emulator.metadataServiceAccount(), keyFile);
	}

	private static void printBanner(GoogleIdentityEmulator emulator, @Nullable Path keyFile,
			boolean invokerIamDisabled) {
		ServiceAccount account = emulator.metadataServiceAccount();
		PrintStream out = System.out;
		out.println("Google identity emulator listening on 127.0.0.1");
		out.println("  metadata server:  " + emulator.metadataUri());
		out.println("  OAuth token:      " + emulator.tokenUri());
		out.println("  IAM Credentials:  " + emulator.iamCredentialsUri());
		out.println("  JWKS:             " + emulator.jwkSetUri());
		out.println("  IAP keys:         the JWKS endpoint, path /iap/verify/public_key-jwk");
		out.println("  Cloud Run Admin:  " + emulator.cloudRun().apiUri() + " (invokerIamDisabled " + invokerIamDisabled
				+ ")");
		out.println("  service account:  " + account.email() + " (" + account.uniqueId() + ")");
		out.println("  project:          " + emulator.projectId() + " (" + emulator.projectNumber() + "), region "
				+ emulator.region());
		if (keyFile != null) {
			out.println("  key file:         " + keyFile.toAbsolutePath());
		}
		out.println("For google-auth-library, export:");
		out.println("export GCE_METADATA_HOST=" + emulator.metadataHost());
		out.println("For a receiving service, set:");
		out.println("cloudrun.auth.receiving.jwk-set-uri=" + emulator.jwkSetUri());
		out.println("Press Ctrl-C to stop.");
		out.flush();
	}

	private static String label(EmulatorEndpoint endpoint) {
		return switch (endpoint) {
			case METADATA -> "metadata server";
			case OAUTH_TOKEN -> "OAuth token endpoint";
			case IAM_CREDENTIALS -> "IAM Credentials";
			case JWKS -> "JWKS";
			case CLOUD_RUN_ADMIN -> "Cloud Run Admin API";
		};
	}

	private static void usage(PrintStream out) {
		out.println(
				"""
						usage: java -jar cloudrun-auth-spring-boot-test-VERSION-emulator.jar [options]
						  --port N                 metadata server on N, OAuth token on N+1, IAM Credentials on N+2,
						                           JWKS on N+3, Cloud Run Admin API on N+4 (default 0: free ports,
						                           printed at start)
						  --service-account EMAIL  identity of the metadata server (default PROJECT_NUMBER-compute@...)
						  --project-id ID          (default emulator-project)
						  --project-number N       (default 123456789012)
						  --region REGION          (default us-central1)
						  --token-lifetime SECS    lifetime of minted tokens (default 3600)
						  --issuer HTTPS|BARE      https://accounts.google.com or accounts.google.com (default HTTPS)
						  --write-key FILE         write a service account key for that identity whose token_uri is this emulator
						  --other-service-account EMAIL
						                           another service account (repeatable), which IAM Credentials
						                           mints ID tokens for
						  --invoker-iam-disabled   the Cloud Run Admin API describes services with invokerIamDisabled: true
						                           (--no-invoker-iam-check); by default the field is absent""");
	}

}
