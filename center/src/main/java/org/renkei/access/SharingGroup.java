package org.renkei.access;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A named set of members, e.g. a sector ISAC's circle, used as an audience. */
public record SharingGroup(UUID id, String name, String description, Set<UUID> members, Instant created) {
    public SharingGroup {
        members = Set.copyOf(members);
    }
}
