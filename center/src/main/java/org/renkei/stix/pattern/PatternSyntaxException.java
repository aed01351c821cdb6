package org.renkei.stix.pattern;

/**
 * A STIX pattern that does not conform to the patterning grammar. The message is meant
 * for the submitter: it names the 0-based character position and what was expected,
 * e.g. {@code at position 17: expected ']' but found 'AND'}.
 */
public final class PatternSyntaxException extends RuntimeException {

    private final int position;
    private final int line;
    private final int column;
    private final String problem;

    PatternSyntaxException(int position, int line, int column, String problem) {
        super("at position " + position + ": " + problem, null, false, false);
        this.position = position;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** 0-based character offset into the pattern text. */
    public int position() { return position; }

    /** 1-based line (patterns are usually one line). */
    public int line() { return line; }

    /** 0-based column within {@link #line()}. */
    public int column() { return column; }

    /** The problem without the position prefix. */
    public String problem() { return problem; }
}
