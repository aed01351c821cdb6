package org.renkei.stix.pattern;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.renkei.stix.pattern.ComparisonExpression.Comparison;
import org.renkei.stix.pattern.ComparisonExpression.Exists;
import org.renkei.stix.pattern.ComparisonExpression.Junction;
import org.renkei.stix.pattern.ObservationExpression.Observation;
import org.renkei.stix.pattern.ObservationExpression.ObservationOperator;
import org.renkei.stix.pattern.ObservationExpression.Qualified;

/**
 * A parsed STIX pattern: the text it came from and its syntax tree.
 *
 * <p>The normalised form is what deduplication compares. It is the pattern printed back
 * with canonical whitespace and operator spelling ({@code ==} → {@code =}, {@code <>} →
 * {@code !=}, {@code NOT =} → {@code !=}), redundant parentheses removed, nested
 * same-operator junctions flattened, the operands of every AND/OR (inside an observation
 * and between observations) sorted by their own normalised text, and the elements of
 * {@code IN} sets sorted and deduplicated. FOLLOWEDBY keeps its order, as it is ordered
 * in time. Two patterns with the same normalised form match the same observations;
 * the converse does not hold (no general logical equivalence is attempted).
 */
public record StixPattern(String text, ObservationExpression expression) {

    /** Parses and normalises in one step. @throws PatternSyntaxException if {@code text} is not a pattern */
    public static String normalize(String text) {
        return StixPatternParser.parse(text).normalized();
    }

    /** The canonical text of this pattern (see the class comment). */
    public String normalized() {
        return print(expression, null);
    }

    /**
     * The single observable this pattern stands for, when the whole pattern is one
     * observation with one equality against a string — e.g. {@code [ipv4-addr:value = '1.2.3.4']}.
     */
    public Optional<SimpleObservable> simpleObservable() {
        if (expression instanceof Observation(Comparison c)) return asSimple(c);
        return Optional.empty();
    }

    /**
     * All observables of a pattern that is nothing but equalities against strings joined by
     * OR — inside one observation, across observations, or as an {@code IN} set — such as
     * {@code [domain-name:value = 'a.example' OR domain-name:value = 'b.example']}. Each
     * alone would match, so each may go on a blocklist. Empty for any other pattern.
     */
    public List<SimpleObservable> simpleObservables() {
        List<SimpleObservable> out = new ArrayList<>();
        return collectObservations(expression, out) ? List.copyOf(out) : List.of();
    }

    private static boolean collectObservations(ObservationExpression e, List<SimpleObservable> out) {
        return switch (e) {
            case Observation(ComparisonExpression c) -> collectComparisons(c, out);
            case ObservationExpression.Junction(ObservationOperator op, List<ObservationExpression> operands)
                    when op == ObservationOperator.OR -> operands.stream().allMatch(o -> collectObservations(o, out));
            default -> false;
        };
    }

    private static boolean collectComparisons(ComparisonExpression e, List<SimpleObservable> out) {
        return switch (e) {
            case Comparison c when !c.negated() && c.operator() == ComparisonOperator.IN
                    && c.value() instanceof Constant.SetConstant(List<Constant> elements)
                    && !elements.isEmpty()
                    && elements.stream().allMatch(Constant.StringConstant.class::isInstance) -> {
                for (Constant element : elements) {
                    out.add(new SimpleObservable(c.path().objectType(), c.path().propertyPathText(),
                            ((Constant.StringConstant) element).value()));
                }
                yield true;
            }
            case Comparison c -> asSimple(c).map(out::add).orElse(false);
            case Junction j when j.operator() == ComparisonExpression.BooleanOperator.OR ->
                    j.operands().stream().allMatch(o -> collectComparisons(o, out));
            default -> false;
        };
    }

    private static Optional<SimpleObservable> asSimple(Comparison c) {
        boolean equality = (c.operator() == ComparisonOperator.EQUAL && !c.negated())
                || (c.operator() == ComparisonOperator.NOT_EQUAL && c.negated());
        if (!equality || !(c.value() instanceof Constant.StringConstant(String value))) return Optional.empty();
        if (c.path().steps().stream().anyMatch(s -> !(s instanceof ObjectPath.PathStep.Key))) return Optional.empty();
        return Optional.of(new SimpleObservable(c.path().objectType(), c.path().propertyPathText(), value));
    }

    // ------------------------------------------------------------------ printing

    /** Binding strength, loosest first; a child looser than its parent needs parentheses. */
    private static int strength(ObservationExpression e) {
        return switch (e) {
            case ObservationExpression.Junction j -> switch (j.operator()) {
                case FOLLOWEDBY -> 0;
                case OR -> 1;
                case AND -> 2;
            };
            case Qualified _ -> 3;
            case Observation _ -> 4;
        };
    }

    private static String print(ObservationExpression e, ObservationExpression parent) {
        String text = switch (e) {
            case Observation o -> "[" + print(o.comparison(), null) + "]";
            case Qualified q -> print(q.expression(), q) + " " + q.qualifier().toPatternText();
            case ObservationExpression.Junction j -> {
                List<String> parts = new ArrayList<>();
                for (ObservationExpression operand : j.operands()) parts.add(print(operand, j));
                if (j.operator() != ObservationOperator.FOLLOWEDBY) parts.sort(Comparator.naturalOrder());
                yield String.join(" " + j.operator().name() + " ", parts);
            }
        };
        // Same-operator nesting was flattened by the parser, so equal strength only occurs for
        // a qualifier on a qualified expression, which reads back the same without parentheses.
        return parent != null && strength(e) < strength(parent) ? "(" + text + ")" : text;
    }

    private static String print(ComparisonExpression e, Junction parent) {
        return switch (e) {
            case Comparison c -> printComparison(c);
            case Exists x -> "EXISTS " + x.path().toPatternText();
            case Junction j -> {
                List<String> parts = new ArrayList<>();
                for (ComparisonExpression operand : j.operands()) parts.add(print(operand, j));
                parts.sort(Comparator.naturalOrder());
                String joined = String.join(" " + j.operator().name() + " ", parts);
                // only OR under AND needs parentheses; same-operator nesting was flattened
                yield parent != null && parent.operator() == ComparisonExpression.BooleanOperator.AND
                        && j.operator() == ComparisonExpression.BooleanOperator.OR ? "(" + joined + ")" : joined;
            }
        };
    }

    private static String printComparison(Comparison c) {
        ComparisonOperator op = c.operator();
        boolean negated = c.negated();
        if (negated && op == ComparisonOperator.EQUAL) { op = ComparisonOperator.NOT_EQUAL; negated = false; }
        else if (negated && op == ComparisonOperator.NOT_EQUAL) { op = ComparisonOperator.EQUAL; negated = false; }
        Constant value = c.value();
        if (value instanceof Constant.SetConstant(List<Constant> elements)) {
            TreeSet<String> sorted = new TreeSet<>();
            for (Constant element : elements) sorted.add(element.toPatternText());
            return c.path().toPatternText() + (negated ? " NOT " : " ") + op.symbol() + " (" + String.join(", ", sorted) + ")";
        }
        return c.path().toPatternText() + (negated ? " NOT " : " ") + op.symbol() + " " + value.toPatternText();
    }

    @Override
    public String toString() {
        return text;
    }
}
