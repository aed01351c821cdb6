package org.renkei.http;

/** Credentials were missing where required, or were wrong. */
public final class UnauthorizedException extends RuntimeException {
    public UnauthorizedException(String message) {
        super(message);
    }
}
