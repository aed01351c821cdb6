package org.renkei.stix;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * JSON Canonicalization Scheme, RFC 8785: the byte-exact form STIX hashes to make
 * deterministic SCO identifiers. Properties sorted by UTF-16 code units, no whitespace,
 * strings with only the mandatory escapes, numbers as ECMAScript would print them.
 */
public final class CanonicalJson {

    private CanonicalJson() {}

    /** The canonical text of {@code node}. */
    public static String of(JsonNode node) {
        StringBuilder out = new StringBuilder(64);
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
            // String.compareTo compares UTF-16 code units, exactly what RFC 8785 section 3.2.3 asks
            entries.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) out.append(',');
                string(entries.get(i).getKey(), out);
                out.append(':');
                write(entries.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) out.append(',');
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isString()) {
            string(node.stringValue(), out);
        } else if (node.isNumber()) {
            out.append(number(node));
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else {
            out.append("null");
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /** ECMAScript Number.prototype.toString of the value as an IEEE double (RFC 8785 section 3.2.2.3). */
    static String number(JsonNode node) {
        if (node.isIntegralNumber()) {
            BigInteger value = node.bigIntegerValue();
            if (value.bitLength() <= 53) return value.toString();
        }
        return number(node.doubleValue());
    }

    /**
     * The fewest significant digits that read back as {@code d}, the closest such if several
     * (ECMAScript's rule). Double.toString is not quite it: it always prints a digit after the
     * point, so for 5e-324 it gives 4.9E-324.
     */
    private static BigDecimal shortestDigits(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal candidate = exact.round(new java.math.MathContext(precision, java.math.RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == d) return candidate.stripTrailingZeros();
        }
        return exact.round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new StixFormatException("JSON cannot represent " + d);
        if (d == 0) return "0";
        String sign = d < 0 ? "-" : "";
        BigDecimal shortest = shortestDigits(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // the decimal point sits after n digits
        StringBuilder out = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int exponent = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) out.append('.').append(digits, 1, k);
            out.append('e').append(exponent >= 0 ? "+" : "-").append(Math.abs(exponent));
        }
        return out.toString();
    }
}
