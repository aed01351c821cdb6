package org.renkei.stix;

import java.util.List;

/**
 * What a request body held: the objects of a STIX bundle
 * ({@code {"type":"bundle","id":…,"objects":[…]}}) or of a TAXII 2.1 envelope
 * ({@code {"objects":[…],"more":…,"next":…}}).
 *
 * @param bundleId the bundle's id, or {@code null} for an envelope
 * @param objects  the objects in order; not validated yet
 * @param more     the envelope's {@code more}, false if absent or a bundle
 * @param next     the envelope's {@code next}, or {@code null}
 */
public record StixEnvelope(StixId bundleId, List<StixObject> objects, boolean more, String next) {

    public StixEnvelope {
        objects = List.copyOf(objects);
    }

    /** Whether the body was a STIX bundle rather than a TAXII envelope. */
    public boolean isBundle() {
        return bundleId != null;
    }
}
