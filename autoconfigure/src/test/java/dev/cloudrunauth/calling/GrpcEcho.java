package dev.cloudrunauth.calling;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import org.jspecify.annotations.Nullable;

/**
 * A unary echo method without generated code, and a gRPC server on loopback (plaintext,
 * or TLS with a self-signed key) that records the headers of every call it receives.
 */
final class GrpcEcho implements AutoCloseable {

	static final String SERVICE = "test.Echo";

	static final MethodDescriptor<String, String> ECHO = method(SERVICE);

	static final MethodDescriptor<String, String> OTHER = method("test.Other");

	private final Server server;

	private final List<Metadata> calls = new CopyOnWriteArrayList<>();

	private GrpcEcho() throws IOException {
		this(null);
	}

	private GrpcEcho(@Nullable KeyManagerFactory keys) throws IOException {
		ServerInterceptor recorder = new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				GrpcEcho.this.calls.add(headers);
				return next.startCall(call, headers);
			}

		};
		NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
		if (keys != null) {
			builder.sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(keys)).build());
		}
		this.server = builder.addService(ServerInterceptors.intercept(definition(SERVICE, ECHO), recorder))
			.addService(ServerInterceptors.intercept(definition("test.Other", OTHER), recorder))
			.build()
			.start();
	}

	static GrpcEcho start() {
		try {
			return new GrpcEcho();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start a server with TLS, its key a self-signed one that {@code keytool} makes in a
	 * directory.
	 * @param directory where the key store is written
	 * @return the server
	 */
	static GrpcEcho startTls(Path directory) {
		try {
			Path keyStore = directory.resolve("grpc-echo.p12");
			char[] password = "grpc-echo".toCharArray();
			Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
					"-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
					"CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
					"-keystore", keyStore.toString(), "-storepass", new String(password))
				.redirectErrorStream(true)
				.start();
			String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
				throw new IllegalStateException("keytool failed: " + output);
			}
			KeyStore store = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(keyStore)) {
				store.load(in, password);
			}
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(store, password);
			return new GrpcEcho(keys);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the authority of the server.
	 * @return {@code 127.0.0.1:PORT}
	 */
	String authority() {
		return "127.0.0.1:" + this.server.getPort();
	}

	List<Metadata> calls() {
		return List.copyOf(this.calls);
	}

	Metadata onlyCall() {
		List<Metadata> calls = calls();
		if (calls.size() != 1) {
			throw new AssertionError("expected one call, got " + calls.size());
		}
		return calls.get(0);
	}

	void clear() {
		this.calls.clear();
	}

	@Override
	public void close() {
		this.server.shutdownNow();
	}

	static @Nullable String header(Metadata headers, String name) {
		return headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
	}

	static String bearerToken(Metadata headers, String name) {
		String value = header(headers, name);
		if (value == null || !value.startsWith("Bearer ")) {
			throw new AssertionError(name + " carries no bearer token");
		}
		return value.substring("Bearer ".length());
	}

	static String call(Channel channel, MethodDescriptor<String, String> method, String... headers) {
		Metadata metadata = new Metadata();
		for (int i = 0; i < headers.length; i += 2) {
			metadata.put(Metadata.Key.of(headers[i], Metadata.ASCII_STRING_MARSHALLER), headers[i + 1]);
		}
		return ClientCalls.blockingUnaryCall(
				ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata)), method,
				CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello");
	}

	static MethodDescriptor<String, String> method(String service) {
		return MethodDescriptor.<String, String>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Call"))
			.setRequestMarshaller(StringMarshaller.INSTANCE)
			.setResponseMarshaller(StringMarshaller.INSTANCE)
			.build();
	}

	private static ServerServiceDefinition definition(String service, MethodDescriptor<String, String> method) {
		return ServerServiceDefinition.builder(service)
			.addMethod(method, ServerCalls.asyncUnaryCall((request, response) -> {
				response.onNext("echo " + request);
				response.onCompleted();
			}))
			.build();
	}

	enum StringMarshaller implements MethodDescriptor.Marshaller<String> {

		INSTANCE;

		@Override
		public InputStream stream(String value) {
			return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String parse(InputStream stream) {
			try {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
