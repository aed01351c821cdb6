package org.renkei.stix.pattern;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The left-hand side of a comparison: {@code object-type:property(.key|[index])*}.
 * {@code steps} always starts with a {@link PathStep.Key}.
 */
public record ObjectPath(String objectType, List<PathStep> steps) {

    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ObjectPath {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || !(steps.getFirst() instanceof PathStep.Key)) {
            throw new IllegalArgumentException("an object path starts with a property name");
        }
    }

    /** One step after the object type. */
    public sealed interface PathStep {
        /** A property or dictionary key; written quoted when it is not a bare identifier. */
        record Key(String name) implements PathStep {}
        /** {@code [n]}; negative indexes are allowed by the grammar. */
        record Index(int index) implements PathStep {}
        /** {@code [*]}: any element of the list. */
        record AnyIndex() implements PathStep {}
    }

    /** The path after the colon, e.g. {@code hashes.'SHA-256'} or {@code values[*].name}. */
    public String propertyPathText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            switch (steps.get(i)) {
                case PathStep.Key key -> {
                    if (i > 0) text.append('.');
                    text.append(BARE_KEY.matcher(key.name()).matches() && !isKeywordLike(key.name())
                            ? key.name()
                            : new Constant.StringConstant(key.name()).toPatternText());
                }
                case PathStep.Index index -> text.append('[').append(index.index()).append(']');
                case PathStep.AnyIndex _ -> text.append("[*]");
            }
        }
        return text.toString();
    }

    public String toPatternText() {
        return objectType + ":" + propertyPathText();
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("AND", "OR", "NOT", "FOLLOWEDBY", "LIKE",
            "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS", "IN", "START", "STOP", "SECONDS", "TIMES", "WITHIN", "REPEATS",
            "TRUE", "FALSE");

    /** Keys that other parsers (the spec's grammar) would read as keywords are printed quoted. */
    private static boolean isKeywordLike(String name) {
        return KEYWORDS.contains(name.toUpperCase(java.util.Locale.ROOT));
    }
}
