package org.renkei.stix.pattern;

import java.util.List;

/** What sits inside one {@code [...]}: comparisons joined by AND/OR. */
public sealed interface ComparisonExpression {

    /** {@code path [NOT] op value}. */
    record Comparison(ObjectPath path, boolean negated, ComparisonOperator operator, Constant value)
            implements ComparisonExpression {}

    /** {@code EXISTS path}. */
    record Exists(ObjectPath path) implements ComparisonExpression {}

    /** Two or more operands joined by the same operator; nesting of the same operator is flattened. */
    record Junction(BooleanOperator operator, List<ComparisonExpression> operands) implements ComparisonExpression {
        public Junction {
            operands = List.copyOf(operands);
            if (operands.size() < 2) throw new IllegalArgumentException("a junction needs two operands");
        }
    }

    enum BooleanOperator { AND, OR }
}
