package org.renkei.http;

/** An HTTP-level refusal (406, 413, 415, ...) with a message naming the problem. */
public final class HttpStatusException extends RuntimeException {
    private final int status;
    private final String allow;

    public HttpStatusException(int status, String message) {
        this(status, message, null);
    }

    private HttpStatusException(int status, String message, String allow) {
        super(message);
        this.status = status;
        this.allow = allow;
    }

    /** 405, with the Allow header RFC 9110 asks for. */
    public static HttpStatusException methodNotAllowed(String method, java.util.Collection<String> allowed) {
        String allow = String.join(", ", allowed);
        return new HttpStatusException(405, method + " is not allowed here; use " + allow, allow);
    }

    /** The methods a 405 names, or null. */
    public String allow() {
        return allow;
    }

    public int status() {
        return status;
    }
}
