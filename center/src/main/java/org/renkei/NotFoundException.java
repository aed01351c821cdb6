package org.renkei;

/**
 * The thing asked for does not exist, or the caller may not see it: both answer
 * the same, so that existence itself does not leak.
 */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
