package org.renkei.store;

/**
 * The store could not do what was asked. The message says what failed and what to do about it,
 * because it usually ends up in front of an operator starting the center.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
