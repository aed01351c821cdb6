package org.renkei;

/** The caller is known but its role does not allow this action. */
public class ForbiddenException extends RuntimeException {
    public ForbiddenException(String message) {
        super(message);
    }
}
