package dev.cloudrunauth.calling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerHeaderValuesTests {

	private final BearerHeaderValues values = new BearerHeaderValues();

	@Test
	void valueIsBuiltOncePerToken() {
		String token = new String("token-one");
		String first = this.values.headerValue("https://a", token);
		assertThat(first).isEqualTo("Bearer token-one");
		assertThat(this.values.headerValue("https://a", token)).isSameAs(first);
	}

	@Test
	void newTokenGetsNewValue() {
		this.values.headerValue("https://a", "token-one");
		assertThat(this.values.headerValue("https://a", "token-two")).isEqualTo("Bearer token-two");
	}

	@Test
	void audiencesDoNotShareValues() {
		this.values.headerValue("https://a", "token-a");
		assertThat(this.values.headerValue("https://b", "token-b")).isEqualTo("Bearer token-b");
		assertThat(this.values.headerValue("https://a", "token-a2")).isEqualTo("Bearer token-a2");
	}

}
