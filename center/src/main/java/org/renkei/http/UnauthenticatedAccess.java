package org.renkei.http;

/** A resource that exists for authenticated callers was asked for without credentials: 401. */
public final class UnauthenticatedAccess extends RuntimeException {
    public UnauthenticatedAccess(String message) {
        super(message + ": send 'Authorization: Bearer <token>' or HTTP Basic with the token as password");
    }
}
