package org.renkei.intel;

import java.util.Map;

/**
 * A SQL boolean expression over the {@code stix_object} row aliased {@code o} that
 * narrows a query to a collection; its named parameters start with {@code scope_}.
 */
public record Scope(String sql, Map<String, Object> binds) {
    public static final Scope ALL = new Scope("true", Map.of());

    public Scope {
        binds = Map.copyOf(binds);
    }
}
