package org.renkei.stix.pattern;

import java.util.List;

/** A pattern's top level: observations, combined and qualified. */
public sealed interface ObservationExpression {

    /** {@code [ comparison-expression ]}. */
    record Observation(ComparisonExpression comparison) implements ObservationExpression {}

    /** Two or more operands joined by the same operator; same-operator nesting is flattened. */
    record Junction(ObservationOperator operator, List<ObservationExpression> operands) implements ObservationExpression {
        public Junction {
            operands = List.copyOf(operands);
            if (operands.size() < 2) throw new IllegalArgumentException("a junction needs two operands");
        }
    }

    /** An expression followed by a qualifier. */
    record Qualified(ObservationExpression expression, Qualifier qualifier) implements ObservationExpression {}

    /** Observation operators; FOLLOWEDBY is ordered, AND and OR are not. */
    enum ObservationOperator { AND, OR, FOLLOWEDBY }
}
