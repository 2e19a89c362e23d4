package dev.knotless.launcher;

/** Knotless could not start; the message says why and what to do, in words for the person at the terminal. */
public class LaunchException extends RuntimeException {

    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
