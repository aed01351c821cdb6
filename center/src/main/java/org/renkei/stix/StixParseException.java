package org.renkei.stix;

/**
 * A request body that is not acceptable JSON for STIX: malformed, too deep, too large, or
 * not a bundle / TAXII envelope. The message names the position (1-based line and column,
 * 0-based byte offset, or {@code objects[i]}) and the problem, and never contains a stack
 * trace or parser internals; the HTTP layer can show it to the client as is.
 */
public final class StixParseException extends RuntimeException {

    /** Which limit a body broke, so the HTTP layer can pick 413 for size and 400 for the rest. */
    public enum Kind { MALFORMED, TOO_DEEP, TOO_LARGE, NOT_STIX }

    private final Kind kind;
    private final long byteOffset;
    private final int line;
    private final int column;

    StixParseException(Kind kind, String message, long byteOffset, int line, int column) {
        super(message, null, false, false);
        this.kind = kind;
        this.byteOffset = byteOffset;
        this.line = line;
        this.column = column;
    }

    public Kind kind() { return kind; }

    /** 0-based byte offset of the problem, or -1 if unknown. */
    public long byteOffset() { return byteOffset; }

    /** 1-based line, or -1 if unknown. */
    public int line() { return line; }

    /** 1-based column, or -1 if unknown. */
    public int column() { return column; }
}
