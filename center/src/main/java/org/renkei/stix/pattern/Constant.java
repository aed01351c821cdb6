package org.renkei.stix.pattern;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/** A literal on the right-hand side of a comparison. */
public sealed interface Constant {

    /** The literal in canonical pattern syntax. */
    String toPatternText();

    /** A quoted string; {@code value} is unescaped. */
    record StringConstant(String value) implements Constant {
        public String toPatternText() {
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
    }

    record IntegerConstant(BigInteger value) implements Constant {
        public String toPatternText() { return value.toString(); }
    }

    record FloatConstant(BigDecimal value) implements Constant {
        public String toPatternText() {
            String plain = value.stripTrailingZeros().toPlainString();
            // keep a decimal point so the text parses back as a float, not an integer
            return plain.contains(".") ? plain : plain + ".0";
        }
    }

    record BooleanConstant(boolean value) implements Constant {
        public String toPatternText() { return Boolean.toString(value); }
    }

    /** {@code h'…'}: {@code hex} is the digits between the quotes. */
    record HexConstant(String hex) implements Constant {
        public String toPatternText() { return "h'" + hex.toLowerCase(java.util.Locale.ROOT) + "'"; }
    }

    /** {@code b'…'}: {@code base64} is the text between the quotes. */
    record BinaryConstant(String base64) implements Constant {
        public String toPatternText() { return "b'" + base64 + "'"; }
    }

    /** {@code t'…'}: {@code text} is the RFC 3339 timestamp between the quotes. */
    record TimestampConstant(String text, Instant instant) implements Constant {
        public String toPatternText() { return "t'" + text + "'"; }
    }

    /** The right-hand side of {@code IN}. */
    record SetConstant(List<Constant> elements) implements Constant {
        public SetConstant {
            elements = List.copyOf(elements);
        }

        public String toPatternText() {
            StringBuilder text = new StringBuilder("(");
            for (int i = 0; i < elements.size(); i++) {
                if (i > 0) text.append(", ");
                text.append(elements.get(i).toPatternText());
            }
            return text.append(')').toString();
        }
    }
}
