package org.renkei.stix;

import java.util.List;

/**
 * What a request body held: the objects of a STIX bundle
 * ({@code {"type":"bundle","id":…,"objects":[…]}}) or of a TAXII 2.1 envelope
 * ({@code {"objects":[…],"more":…,"next":…}}).
 *
 * <p>Elements of {@code objects} that are not JSON objects at all (a number, a string, a
 * list) cannot be STIX objects; they are not in {@link #objects()} but listed in
 * {@link #notObjects()}, so that a receiver can accept the rest and report each one.
 *
 * @param bundleId   the bundle's id, or {@code null} for an envelope
 * @param objects    the objects in order; not validated yet
 * @param more       the envelope's {@code more}, false if absent or a bundle
 * @param next       the envelope's {@code next}, or {@code null}
 * @param notObjects elements of {@code objects} that were not JSON objects
 */
public record StixEnvelope(StixId bundleId, List<StixObject> objects, boolean more, String next,
                           List<NotAnObject> notObjects) {

    /**
     * An element of {@code objects} that is not a JSON object.
     *
     * @param index   its position in the body's {@code objects} array
     * @param problem e.g. {@code objects[3] is a number, not a JSON object}
     */
    public record NotAnObject(int index, String problem) {}

    public StixEnvelope {
        objects = List.copyOf(objects);
        notObjects = List.copyOf(notObjects);
    }

    public StixEnvelope(StixId bundleId, List<StixObject> objects, boolean more, String next) {
        this(bundleId, objects, more, next, List.of());
    }

    /** Whether the body was a STIX bundle rather than a TAXII envelope. */
    public boolean isBundle() {
        return bundleId != null;
    }
}
