package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CallingTargetsTests {

	private final CallingTarget receiving = target("receiving", "https://receiving-123.us-central1.run.app");

	private final CallingTarget api = target("api", "https://api.example.com/v1");

	private final CallingTarget apiAdmin = target("api-admin", "https://api.example.com/v1/admin/");

	private final CallingTarget local = target("local", "http://127.0.0.1:8081");

	private final CallingTargets targets = new CallingTargets(
			List.of(this.receiving, this.api, this.apiAdmin, this.local));

	@Test
	void requestUnderATargetMatchesIt() {
		assertThat(match("https://receiving-123.us-central1.run.app/hello?x=1")).isEqualTo(this.receiving);
		assertThat(match("https://receiving-123.us-central1.run.app")).isEqualTo(this.receiving);
		assertThat(match("http://127.0.0.1:8081/hello")).isEqualTo(this.local);
	}

	@Test
	void schemeHostAndPortMustAllBeEqual() {
		assertThat(match("http://receiving-123.us-central1.run.app/hello")).isNull();
		assertThat(match("https://receiving-124.us-central1.run.app/hello")).isNull();
		assertThat(match("https://receiving-123.us-central1.run.app:8443/hello")).isNull();
		assertThat(match("http://127.0.0.1:8082/hello")).isNull();
		assertThat(match("http://localhost:8081/hello")).isNull();
	}

	@Test
	void defaultPortAndCaseDoNotMatter() {
		assertThat(match("https://receiving-123.us-central1.run.app:443/hello")).isEqualTo(this.receiving);
		assertThat(match("HTTPS://Receiving-123.US-central1.run.app/hello")).isEqualTo(this.receiving);
	}

	@Test
	void pathMustBeUnderTheTargetPathOnSegmentBoundaries() {
		assertThat(match("https://api.example.com/v1")).isEqualTo(this.api);
		assertThat(match("https://api.example.com/v1/")).isEqualTo(this.api);
		assertThat(match("https://api.example.com/v1/orders")).isEqualTo(this.api);
		assertThat(match("https://api.example.com/v10/orders")).isNull();
		assertThat(match("https://api.example.com/")).isNull();
		assertThat(match("https://api.example.com/v2/orders")).isNull();
	}

	@Test
	void dotSegmentsCannotEscapeTheTargetPath() {
		assertThat(match("https://api.example.com/v1/../v2/orders")).isNull();
		assertThat(match("https://api.example.com/v2/../v1/orders")).isEqualTo(this.api);
	}

	@Test
	void percentEncodedDotSegmentsCannotEscapeTheTargetPath() {
		assertThat(match("https://api.example.com/v1/%2e%2e/v2")).isNull();
		assertThat(match("https://api.example.com/v1/%2E%2E/v2")).isNull();
		assertThat(match("https://api.example.com/v1/.%2e/v2")).isNull();
		assertThat(match("https://api.example.com/v1/%2e./v2")).isNull();
		assertThat(match("https://api.example.com/v1/orders/%2e%2e/%2e%2e/v2")).isNull();
		assertThat(match("https://api.example.com/v1/%2e%2e")).isNull();
		assertThat(match("https://api.example.com/v1/%2e/orders")).isEqualTo(this.api);
	}

	@Test
	void dotSegmentsWithPathParametersCannotEscapeTheTargetPath() {
		assertThat(match("https://api.example.com/v1/..;/v2")).isNull();
		assertThat(match("https://api.example.com/v1/..;jsessionid=x/v2")).isNull();
		assertThat(match("https://api.example.com/v1/.%2e;x/v2")).isNull();
		assertThat(match("https://api.example.com/v1/admin/..;/users")).isEqualTo(this.api);
		assertThat(match("https://api.example.com/v1/orders;v=2")).isEqualTo(this.api);
	}

	@Test
	void encodedSlashesAndBackslashesGetNoTokenUnderATargetPath() throws Exception {
		assertThat(match("https://api.example.com/v1/..%2fv2")).isNull();
		assertThat(match("https://api.example.com/v1/..%2Fv2")).isNull();
		assertThat(match("https://api.example.com/v1/orders%2f1")).isNull();
		assertThat(match("https://api.example.com/v1/..%5cv2")).isNull();
		assertThat(match("https://api.example.com/v1/..%5Cv2")).isNull();
		assertThat(this.targets.match(new URI("https", "api.example.com", "/v1/..\\v2", null))).isNull();
	}

	@Test
	void encodedSlashesAndBackslashesStillMatchATargetWithoutPath() {
		assertThat(match("https://receiving-123.us-central1.run.app/a%2fb")).isEqualTo(this.receiving);
		assertThat(match("https://receiving-123.us-central1.run.app/a%5Cb")).isEqualTo(this.receiving);
		assertThat(match("https://receiving-123.us-central1.run.app/%2e%2e/x")).isEqualTo(this.receiving);
	}

	@Test
	void pathThatServersResolveDifferentlyMatchesOnlyATargetThatEveryResolutionIsUnder() {
		// decoded or not, with or without ;parameters, with or without merged slashes
		assertThat(match("https://api.example.com/v2/%2e%2e/v1/orders")).isNull();
		assertThat(match("https://api.example.com/v1;x/orders")).isNull();
		assertThat(match("https://api.example.com/v1//../v2")).isNull();
		assertThat(match("https://api.example.com/v1/admin//../users")).isEqualTo(this.api);
		assertThat(match("https://api.example.com/v1/admin/x//../../users")).isEqualTo(this.api);
		assertThat(match("https://api.example.com/v1//orders")).isEqualTo(this.api);
	}

	@Test
	void longestTargetPathWins() {
		assertThat(match("https://api.example.com/v1/admin/users")).isEqualTo(this.apiAdmin);
		assertThat(match("https://api.example.com/v1/administrators")).isEqualTo(this.api);
	}

	@Test
	void hostInUserInformationIsNotTheHost() {
		assertThat(match("https://receiving-123.us-central1.run.app@evil.example/hello")).isNull();
	}

	@Test
	void relativeUrlMatchesNothing() {
		assertThat(match("/hello")).isNull();
	}

	@Test
	void defaultAudienceIsTheOriginWithoutDefaultPort() {
		assertThat(CallingTarget.defaultAudience(URI.create("https://Receiving-123.us-central1.run.app/api/x")))
			.isEqualTo("https://receiving-123.us-central1.run.app");
		assertThat(CallingTarget.defaultAudience(URI.create("https://receiving.run.app:443")))
			.isEqualTo("https://receiving.run.app");
		assertThat(CallingTarget.defaultAudience(URI.create("http://127.0.0.1:8081/")))
			.isEqualTo("http://127.0.0.1:8081");
	}

	@Test
	void defaultAudienceOfACloudRunTrafficTagIsTheServiceUrl() {
		assertThat(
				CallingTarget.defaultAudience(URI.create("https://blue---receiving-123456789012.us-central1.run.app")))
			.isEqualTo("https://receiving-123456789012.us-central1.run.app");
		assertThat(CallingTarget.defaultAudience(URI.create("https://blue---receiving-abcdefghij-uc.a.run.app/api")))
			.isEqualTo("https://receiving-abcdefghij-uc.a.run.app");
		assertThat(CallingTarget.defaultAudience(URI.create("https://blue---x.example.com")))
			.isEqualTo("https://blue---x.example.com");
	}

	@Test
	void unusableUrlsAreRejected() {
		assertThat(CallingTarget.problemWith(URI.create("receiving.run.app"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("ftp://receiving.run.app"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("https://receiving.run.app/?a=b"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("https://receiving.run.app/#x"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("https://user@receiving.run.app"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("https://receiving.run.app/api"))).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> target("bad", "receiving.run.app"));
	}

	@Test
	void targetUrlWhosePathServersResolveDifferentlyIsRejected() {
		assertThat(CallingTarget.problemWith(URI.create("https://receiving.run.app/a%2Fb"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("https://receiving.run.app/a%5cb"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("https://receiving.run.app/a%2e%2e/b"))).isNotNull();
		assertThat(CallingTarget.problemWith(URI.create("https://receiving.run.app/a;b"))).isNotNull();
	}

	@Test
	void aGrpcTargetIsMatchedByGrpcAddressesOnlyOnItsDefaultPort443() {
		CallingTarget orders = target("orders", "grpc://orders-123.us-central1.run.app/orders.v1.Orders");
		CallingTargets targets = new CallingTargets(List.of(orders));
		assertThat(targets.match(URI.create("grpc://orders-123.us-central1.run.app:443/orders.v1.Orders/List")))
			.isEqualTo(orders);
		assertThat(targets.match(URI.create("grpc://orders-123.us-central1.run.app/orders.v1.Orders/List")))
			.isEqualTo(orders);
		assertThat(targets.match(URI.create("grpc://orders-123.us-central1.run.app/orders.v1.Other/List"))).isNull();
		assertThat(targets.match(URI.create("https://orders-123.us-central1.run.app/orders.v1.Orders/List"))).isNull();
		assertThat(targets.match(URI.create("http://orders-123.us-central1.run.app:443/orders.v1.Orders/List")))
			.isNull();
	}

	@Test
	void theDefaultAudienceOfAGrpcTargetIsItsHttpsOrigin() {
		assertThat(CallingTarget.defaultAudience(URI.create("grpc://orders-123.us-central1.run.app/orders.v1.Orders")))
			.isEqualTo("https://orders-123.us-central1.run.app");
		assertThat(CallingTarget.defaultAudience(URI.create("grpc://orders-123.us-central1.run.app:443")))
			.isEqualTo("https://orders-123.us-central1.run.app");
		assertThat(CallingTarget.defaultAudience(URI.create("grpc://127.0.0.1:9090")))
			.isEqualTo("https://127.0.0.1:9090");
		assertThat(CallingTarget.problemWith(URI.create("grpc://orders-123.us-central1.run.app"))).isNull();
		assertThat(CallingTarget.problemWith(URI.create("grpc:///orders.v1.Orders"))).isNotNull();
	}

	private CallingTarget match(String uri) {
		return this.targets.match(URI.create(uri));
	}

	private static CallingTarget target(String name, String url) {
		URI uri = URI.create(url);
		return new CallingTarget(name, uri, CallingTarget.defaultAudience(uri), IdTokenHeader.AUTHORIZATION);
	}

}
