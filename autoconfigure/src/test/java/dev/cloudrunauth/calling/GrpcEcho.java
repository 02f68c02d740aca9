package dev.cloudrunauth.calling;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import org.jspecify.annotations.Nullable;

/**
 * A unary echo method without generated code, and a plaintext gRPC server on loopback
 * that records the headers of every call it receives.
 */
final class GrpcEcho implements AutoCloseable {

	static final String SERVICE = "test.Echo";

	static final MethodDescriptor<String, String> ECHO = method(SERVICE);

	static final MethodDescriptor<String, String> OTHER = method("test.Other");

	private final Server server;

	private final List<Metadata> calls = new CopyOnWriteArrayList<>();

	private GrpcEcho() throws IOException {
		ServerInterceptor recorder = new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				GrpcEcho.this.calls.add(headers);
				return next.startCall(call, headers);
			}

		};
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(ServerInterceptors.intercept(definition(SERVICE, ECHO), recorder))
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
