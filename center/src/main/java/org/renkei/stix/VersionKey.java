package org.renkei.stix;

import java.util.Comparator;
import java.util.Objects;

/**
 * Identifies one version of one object: {@code (id, version)}.
 *
 * <p>The version is chosen as TAXII 2.1 (section 3.4, "versions") prescribes: the
 * {@code modified} timestamp; for objects that are not versioned and have no
 * {@code modified} but a {@code created} (marking definitions, and SCOs or custom objects
 * that carry one), {@code created}; for objects with neither (most SCOs), the date the
 * server added the object, so that re-submitting the same SCO later is a new
 * version only if the server says so. Equality uses the instant, not the written
 * precision, so {@code …27Z} and {@code …27.000Z} are the same version and a resubmission
 * is idempotent.
 *
 * @param id      the object's id
 * @param version the version timestamp
 * @param source  which property the version came from
 */
public record VersionKey(StixId id, StixTimestamp version, Source source) implements Comparable<VersionKey> {

    /** Where a version timestamp came from. */
    public enum Source { MODIFIED, CREATED, DATE_ADDED }

    private static final Comparator<VersionKey> ORDER =
            Comparator.comparing(VersionKey::id).thenComparing(VersionKey::version);

    public VersionKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
    }

    /**
     * The version key of {@code object}.
     *
     * @param dateAdded when the server added the object; used only when the object has neither
     *                  {@code modified} nor {@code created} (may be {@code null} otherwise)
     * @throws StixFormatException if the id or a timestamp is malformed, or no version can be found
     */
    public static VersionKey of(StixObject object, StixTimestamp dateAdded) {
        StixId id = object.id();
        var modified = object.modified();
        if (modified.isPresent()) return new VersionKey(id, modified.get(), Source.MODIFIED);
        var created = object.created();
        if (created.isPresent()) return new VersionKey(id, created.get(), Source.CREATED);
        if (dateAdded == null) {
            throw new StixFormatException(id + " has neither modified nor created; a date added is needed for its version");
        }
        return new VersionKey(id, dateAdded, Source.DATE_ADDED);
    }

    /** Microseconds since the epoch of the version, for storage and TAXII {@code match[version]}. */
    public long versionEpochMicros() {
        return version.epochMicros();
    }

    /** Same object, same instant; the source does not matter. */
    @Override
    public boolean equals(Object o) {
        return o instanceof VersionKey other && id.equals(other.id) && version.equals(other.version);
    }

    @Override
    public int hashCode() {
        return 31 * id.hashCode() + version.hashCode();
    }

    /** By id, then oldest version first. */
    @Override
    public int compareTo(VersionKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return id + "@" + version.format();
    }
}
