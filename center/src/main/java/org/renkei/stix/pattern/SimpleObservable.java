package org.renkei.stix.pattern;

/**
 * "This property of this object type equals this value" — the shape of indicator that
 * blocklists and lookups can use directly, e.g. {@code ipv4-addr / value / 198.51.100.1} or
 * {@code file / hashes.'SHA-256' / 3b4c…}.
 *
 * @param objectType   the SCO type, e.g. {@code ipv4-addr}
 * @param propertyPath the path after the colon in canonical pattern syntax, e.g. {@code value}
 * @param value        the compared value, unescaped
 */
public record SimpleObservable(String objectType, String propertyPath, String value) {}
