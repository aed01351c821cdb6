package org.renkei.stix;

/** The spec's rules for type names (section 3.1), shared by ids and the {@code type} property. */
final class StixTypeNames {

    private StixTypeNames() {}

    /** Why {@code type} is not a valid STIX type name, or {@code null}. */
    static String problemWithTypeName(String type) {
        if (type == null || type.isEmpty()) return "type is missing";
        if (type.length() < 3 || type.length() > 250) return "type '" + StixId.abbreviate(type) + "' must be 3 to 250 characters long";
        char previous = 0;
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) return "type '" + StixId.abbreviate(type) + "' may only contain a-z, 0-9 and '-'";
            if (c == '-' && previous == '-') return "type '" + StixId.abbreviate(type) + "' must not contain '--'";
            previous = c;
        }
        char first = type.charAt(0);
        if (!(first >= 'a' && first <= 'z')) return "type '" + StixId.abbreviate(type) + "' must start with a letter a-z";
        if (type.charAt(type.length() - 1) == '-') return "type '" + StixId.abbreviate(type) + "' must not end with '-'";
        return null;
    }
}
