package org.renkei.web;

/** Credentials were missing where required, or were wrong. */
final class UnauthorizedException extends RuntimeException {
    UnauthorizedException(String message) {
        super(message);
    }
}
