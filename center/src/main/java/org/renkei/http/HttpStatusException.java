package org.renkei.http;

/** An HTTP-level refusal (406, 413, 415, ...) with a message naming the problem. */
public final class HttpStatusException extends RuntimeException {
    private final int status;

    public HttpStatusException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
