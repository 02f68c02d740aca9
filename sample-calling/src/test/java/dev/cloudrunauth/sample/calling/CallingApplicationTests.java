package dev.cloudrunauth.sample.calling;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
class CallingApplicationTests {

	@Autowired
	ApplicationContext context;

	@Test
	void applicationStarts() {
		assertThat(this.context.getBean(CallingApplication.class)).isNotNull();
	}

}
