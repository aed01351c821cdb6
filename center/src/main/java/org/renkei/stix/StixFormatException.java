package org.renkei.stix;

/**
 * A value that is not in the form STIX requires (an identifier, a timestamp, a property of
 * the wrong type). The message says what was wrong and what is expected.
 */
public final class StixFormatException extends RuntimeException {
    public StixFormatException(String message) {
        super(message, null, false, false);
    }
}
