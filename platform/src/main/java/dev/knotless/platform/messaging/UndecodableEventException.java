package dev.knotless.platform.messaging;

/** A message that no retry can fix: it goes straight to the dead-letter topic. */
public class UndecodableEventException extends RuntimeException {
    public UndecodableEventException(String message) {
        super(message);
    }

    public UndecodableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
