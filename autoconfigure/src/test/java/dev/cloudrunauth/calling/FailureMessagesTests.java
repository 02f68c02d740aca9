package dev.cloudrunauth.calling;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureMessagesTests {

	private static final String TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJhdWQiOiJodHRwczovL2EuZXhhbXBsZSJ9.c2lnbmF0dXJl";

	@Test
	void aTokenIsCutOutWhereverItIsQuoted() {
		assertThat(FailureMessages.of(new IOException("got {\"id_token\":\"" + TOKEN + "\"} from the server")))
			.isEqualTo("got {\"id_token\":\"[token removed]\"} from the server");
	}

	@Test
	void aTruncatedTokenIsCutOutToo() {
		assertThat(FailureMessages.redact("response: " + TOKEN.substring(0, 60)))
			.isEqualTo("response: [token removed]");
	}

	@Test
	void aTokenWhoseSignatureGoogleRemovedIsCutOut() {
		String unsigned = TOKEN.substring(0, TOKEN.lastIndexOf('.') + 1) + "SIGNATURE_REMOVED_BY_GOOGLE";
		assertThat(FailureMessages.redact(unsigned)).isEqualTo("[token removed]");
	}

	@Test
	void urlsHostsAndEmailsAreKept() {
		String message = "GET https://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/"
				+ "identity?audience=https://receiving-123.us-central1.run.app as caller@p.iam.gserviceaccount.com";
		assertThat(FailureMessages.redact(message)).isEqualTo(message);
	}

	@Test
	void aFailureWithoutAMessageSaysNull() {
		assertThat(FailureMessages.of(new IOException())).isEqualTo("null");
	}

}
