package dev.cloudrunauth.calling;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.util.Set;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;

import dev.cloudrunauth.GoogleIdentityConnectionDetails;

/**
 * Sends google-auth-library's requests for the metadata server to the host of
 * {@link GoogleIdentityConnectionDetails}, and every other request where it was going.
 * google-auth-library reads {@code GCE_METADATA_HOST} from the process environment only
 * and has no setting for the metadata server's address, but every credential takes an
 * {@link HttpTransportFactory}.
 */
final class MetadataServerTransportFactory implements HttpTransportFactory {

	private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "169.254.169.254");

	private final String metadataServerHost;

	private final NetHttpTransport transport;

	MetadataServerTransportFactory(String metadataServerHost) {
		this.metadataServerHost = metadataServerHost;
		this.transport = new NetHttpTransport.Builder().setConnectionFactory(this::openConnection).build();
	}

	/**
	 * Return the credentials of the metadata server, as on Cloud Run.
	 * @param transportFactory the transport they fetch their tokens through
	 * @return the credentials
	 */
	static GoogleCredentials metadataServerCredentials(HttpTransportFactory transportFactory) {
		return ComputeEngineCredentials.newBuilder().setHttpTransportFactory(transportFactory).build();
	}

	@Override
	public HttpTransport create() {
		return this.transport;
	}

	private HttpURLConnection openConnection(URL url) throws IOException {
		URL routed = route(url);
		return (HttpURLConnection) ((routed != url) ? routed.openConnection(Proxy.NO_PROXY) : url.openConnection());
	}

	URL route(URL url) throws IOException {
		if (!METADATA_HOSTS.contains(url.getHost())) {
			return url;
		}
		return URI.create("http://" + this.metadataServerHost + url.getFile()).toURL();
	}

}
