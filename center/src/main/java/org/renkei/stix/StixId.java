package org.renkei.stix;

import java.util.UUID;

/**
 * A STIX identifier, {@code type--UUID}.
 *
 * <p>The UUID must be written in lower-case canonical 8-4-4-4-12 form and be of the
 * RFC 4122 variant (its 17th hex digit is 8, 9, a or b). Lower case is required because ids
 * are compared as strings everywhere (TAXII filters, dedup, references), and an upper-case
 * spelling of the same UUID would otherwise be a second object.
 */
public record StixId(String type, UUID uuid) implements Comparable<StixId> {

    public StixId {
        String problem = StixTypeNames.problemWithTypeName(type);
        if (problem != null) throw new StixFormatException(problem);
        if (uuid.variant() != 2) {
            throw new StixFormatException("identifier UUID " + uuid + " is not an RFC 4122 UUID (variant bits must be 10)");
        }
    }

    /**
     * Parses {@code type--uuid}.
     *
     * @throws StixFormatException with a message naming what is wrong
     */
    public static StixId parse(String text) {
        String problem = problemWith(text);
        if (problem != null) throw new StixFormatException(problem);
        int separator = text.lastIndexOf("--");
        return new StixId(text.substring(0, separator), UUID.fromString(text.substring(separator + 2)));
    }

    /** Whether {@code text} is a valid identifier. */
    public static boolean isValid(String text) {
        return problemWith(text) == null;
    }

    /** Why {@code text} is not a valid identifier, or {@code null} if it is. */
    public static String problemWith(String text) {
        if (text == null) return "identifier is missing";
        int separator = text.lastIndexOf("--");
        // the UUID part is exactly 36 characters, so "--" must sit right before it
        if (separator < 0 || text.length() - separator - 2 != 36) {
            return "identifier '" + abbreviate(text) + "' is not of the form type--UUID";
        }
        String typeProblem = StixTypeNames.problemWithTypeName(text.substring(0, separator));
        if (typeProblem != null) return "identifier '" + abbreviate(text) + "': " + typeProblem;
        for (int i = separator + 2, k = 0; i < text.length(); i++, k++) {
            char c = text.charAt(i);
            boolean dash = k == 8 || k == 13 || k == 18 || k == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return "identifier '" + abbreviate(text) + "' does not end in a lower-case UUID (8-4-4-4-12 hex digits)";
            }
        }
        char variant = text.charAt(separator + 2 + 19);
        if (variant != '8' && variant != '9' && variant != 'a' && variant != 'b') {
            return "identifier '" + abbreviate(text) + "' does not use an RFC 4122 UUID (the first digit of the fourth group must be 8, 9, a or b)";
        }
        return null;
    }

    /** The UUID version (4 for random ids, 5 for deterministic SCO ids). */
    public int uuidVersion() {
        return uuid.version();
    }

    @Override
    public String toString() {
        return type + "--" + uuid;
    }

    @Override
    public int compareTo(StixId other) {
        return toString().compareTo(other.toString());
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
