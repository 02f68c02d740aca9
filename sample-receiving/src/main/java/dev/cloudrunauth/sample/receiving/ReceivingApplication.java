package dev.cloudrunauth.sample.receiving;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The receiving service: private, it answers only callers with a Google-signed ID token
 * for its audience. Everything about that is configured in {@code application.yml}; this
 * code only uses the caller's identity.
 */
@SpringBootApplication
public class ReceivingApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReceivingApplication.class, args);
	}

	@Bean
	@ConfigurationProperties("sample")
	SampleProperties sample() {
		return new SampleProperties();
	}

	/**
	 * Settings of the sample itself.
	 */
	public static class SampleProperties {

		/**
		 * Service account emails allowed to read reports.
		 */
		private List<String> reportReaders = new ArrayList<>();

		/**
		 * The Pub/Sub push subscription's service account, the only caller of POST
		 * /events/pubsub (the path rule pubsub in application.yml).
		 */
		private String pubsubPushServiceAccount = "";

		public List<String> getReportReaders() {
			return this.reportReaders;
		}

		public void setReportReaders(List<String> reportReaders) {
			this.reportReaders = reportReaders;
		}

		public String getPubsubPushServiceAccount() {
			return this.pubsubPushServiceAccount;
		}

		public void setPubsubPushServiceAccount(String pubsubPushServiceAccount) {
			this.pubsubPushServiceAccount = pubsubPushServiceAccount;
		}

	}

}
