package org.renkei.stix.pattern;

/** Comparison operators, with their canonical spelling. */
public enum ComparisonOperator {
    EQUAL("="),
    NOT_EQUAL("!="),
    LESS("<"),
    LESS_OR_EQUAL("<="),
    GREATER(">"),
    GREATER_OR_EQUAL(">="),
    IN("IN"),
    LIKE("LIKE"),
    MATCHES("MATCHES"),
    IS_SUBSET("ISSUBSET"),
    IS_SUPERSET("ISSUPERSET");

    private final String symbol;

    ComparisonOperator(String symbol) {
        this.symbol = symbol;
    }

    /** The canonical spelling ({@code ==} and {@code <>} normalise to {@code =} and {@code !=}). */
    public String symbol() {
        return symbol;
    }
}
