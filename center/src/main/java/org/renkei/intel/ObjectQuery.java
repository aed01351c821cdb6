package org.renkei.intel;

import java.util.List;
import java.util.Set;

/**
 * What a reader asks of the store: TAXII's filters and paging.
 *
 * @param ids           match[id]; empty for any
 * @param types         match[type]; empty for any
 * @param versions      match[version]
 * @param specVersions  match[spec_version]; empty for the newest (all stored content is 2.1)
 * @param addedAfterUs  added_after, exclusive; null for none
 * @param limit         at most this many objects (the caller applies the server maximum)
 */
public record ObjectQuery(Scope scope, List<String> ids, List<String> types, Versions versions,
                          List<String> specVersions, Long addedAfterUs, int limit) {
    public ObjectQuery {
        ids = List.copyOf(ids);
        types = List.copyOf(types);
        specVersions = List.copyOf(specVersions);
    }

    public ObjectQuery withAddedAfter(Long after) {
        return new ObjectQuery(scope, ids, types, versions, specVersions, after, limit);
    }

    /** match[version]: any of first, last, all and specific versions (epoch microseconds). */
    public record Versions(boolean first, boolean last, boolean all, Set<Long> specific) {
        public static final Versions LAST = new Versions(false, true, false, Set.of());
        public static final Versions ALL = new Versions(false, false, true, Set.of());

        public Versions {
            specific = Set.copyOf(specific);
        }
    }
}
