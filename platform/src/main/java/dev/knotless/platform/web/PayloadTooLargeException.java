package dev.knotless.platform.web;

/** A request body beyond {@code knotless.http.max-body-size}. */
public class PayloadTooLargeException extends RuntimeException {
    public PayloadTooLargeException(long limit) {
        super("The request body exceeds the limit of " + limit + " bytes");
    }
}
