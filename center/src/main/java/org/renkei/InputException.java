package org.renkei;

/**
 * The caller sent something we cannot accept. The message names what is wrong and,
 * where it helps, what to send instead; the HTTP layer turns it into a 400 with
 * that message (a TAXII error object on TAXII routes, problem+json elsewhere).
 */
public class InputException extends RuntimeException {
    private final String field;

    public InputException(String message) {
        this(null, message);
    }

    public InputException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    /** The request field at fault, or null when the request as a whole is. */
    public String field() {
        return field;
    }
}
