package dev.cloudrunauth.receiving;

import java.util.List;

  
/**
 * All {@link VerificationListener} beans, told as one. Not itself a {@code VerificationListener}, so that it is not
 * among the beans it collects.
 */
final class VerificationListeners {

	private final VerificationListener composite;

	VerificationListeners(List<VerificationListener> listeners) {
		this.composite = switch (listeners.size()) {
			case 0 -> VerificationListener.NONE;
			case 1 -> listeners.get(0);
			default -> new Composite(listeners.toArray(VerificationListener[]::new));
		};
	}

	VerificationListener listener() {
		return this.composite;
	}

	private record Composite(VerificationListener[] listeners) implements VerificationListener {

		@Override
		public void accepted() {
			for (VerificationListener listener : this.listeners) {
				listener.accepted();
			}
		}

		@Override
		public void rejected(RejectionReason reason) {
			for (VerificationListener listener : this.listeners) {
				listener.rejected(reason);
			}
		}

		@Override
		public void callerNotAllowed() {
			for (VerificationListener listener : this.listeners) {
				listener.callerNotAllowed();
			}
		}

	}

}
