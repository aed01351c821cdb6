package org.renkei;

/** The request clashes with the current state (a duplicate name, say). */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
