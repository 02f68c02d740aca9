package dev.cloudrunauth.calling;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A request to a target that gets its token once the application has set its headers and
 * before anything is sent: when its body is first asked for or, for a body that is
 * streamed or absent, when it is executed.
 */
sealed class IdTokenClientHttpRequest implements ClientHttpRequest permits IdTokenClientHttpRequest.Streaming {

	private final ClientHttpRequest request;

	private final CallingTarget target;

	private final IdTokenHeaders headers;

	private boolean tokenAdded;

	private IdTokenClientHttpRequest(ClientHttpRequest request, CallingTarget target, IdTokenHeaders headers) {
		this.request = request;
		this.target = target;
		this.headers = headers;
	}

	/**
	 * Return a request that adds a token to the given one, streaming if it is.
	 * @param request the request the HTTP client created
	 * @param target the target it is for
	 * @param headers how the token is added
	 * @return the request
	 */
	static ClientHttpRequest of(ClientHttpRequest request, CallingTarget target, IdTokenHeaders headers) {
		return (request instanceof StreamingHttpOutputMessage) ? new Streaming(request, target, headers)
				: new IdTokenClientHttpRequest(request, target, headers);
	}

	@Override
	public HttpMethod getMethod() {
		return this.request.getMethod();
	}

	@Override
	public URI getURI() {
		return this.request.getURI();
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.request.getHeaders();
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.request.getAttributes();
	}

	@Override
	public OutputStream getBody() throws IOException {
		// a client may send the headers before the first byte of the body
		addToken();
		return this.request.getBody();
	}

	@Override
	public ClientHttpResponse execute() throws IOException {
		addToken();
		return this.request.execute();
	}

	private void addToken() {
		if (!this.tokenAdded) {
			this.headers.addToken(this.target, this.request.getHeaders());
			this.tokenAdded = true;
		}
	}

	static final class Streaming extends IdTokenClientHttpRequest implements StreamingHttpOutputMessage {

		private final StreamingHttpOutputMessage streaming;

		private Streaming(ClientHttpRequest request, CallingTarget target, IdTokenHeaders headers) {
			super(request, target, headers);
			this.streaming = (StreamingHttpOutputMessage) request;
		}

		@Override
		public void setBody(Body body) {
			// the body is written when the request is executed, which adds the token
			// first: headers the
			// application sets after this call still count
			this.streaming.setBody(body);
		}

	}

}
