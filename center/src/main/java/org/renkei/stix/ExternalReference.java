package org.renkei.stix;

import java.util.Map;

/** One entry of {@code external_references}; absent fields are {@code null} (hashes: empty). */
public record ExternalReference(String sourceName, String description, String url,
                                Map<String, String> hashes, String externalId) {
    public ExternalReference {
        hashes = Map.copyOf(hashes);
    }
}
