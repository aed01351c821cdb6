package org.renkei.access;

import java.util.Set;
import java.util.UUID;

/** The recipients a submitter named for an object: members, sectors, sharing groups. */
public record Audience(Set<UUID> members, Set<Sector> sectors, Set<UUID> groups) {
    public static final Audience NONE = new Audience(Set.of(), Set.of(), Set.of());

    public Audience {
        members = Set.copyOf(members);
        sectors = Set.copyOf(sectors);
        groups = Set.copyOf(groups);
    }

    public static Audience ofMember(UUID member) {
        return new Audience(Set.of(member), Set.of(), Set.of());
    }

    public static Audience ofSector(Sector sector) {
        return new Audience(Set.of(), Set.of(sector), Set.of());
    }

    public static Audience ofGroup(UUID group) {
        return new Audience(Set.of(), Set.of(), Set.of(group));
    }
}
