package org.renkei.share.taxii;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.renkei.access.Audience;
import org.renkei.access.Member;
import org.renkei.access.MemberDirectory;
import org.renkei.access.Principal;
import org.renkei.access.ReadPath;
import org.renkei.access.Sector;
import org.renkei.access.SharingGroup;
import org.renkei.intel.Scope;
import org.renkei.stix.Tlp;

/**
 * The collections of the API root, by audience:
 * <ul>
 * <li>{@code public}: TLP:CLEAR content, readable without a token; the center publishes to it.</li>
 * <li>{@code community}: TLP:CLEAR and GREEN content, for every member.</li>
 * <li>{@code sector-<sector>}: content addressed to a critical-infrastructure sector; its
 *     members read it, any member may post to it.</li>
 * <li>{@code group-<uuid>}: content addressed to a sharing group, read and posted by its members.</li>
 * <li>{@code member-<uuid>}: a member's own collection: what it submitted and what was addressed
 *     to it alone (the only collection that carries TLP:RED). Posting here shares with the center only.</li>
 * <li>{@code all}: everything, for center staff.</li>
 * </ul>
 */
final class TaxiiCollections {
    private static final Function<Tlp, String> ANY_TLP = t -> null;
    private static final Function<Tlp, String> CLEAR_ONLY = t -> t == Tlp.CLEAR ? null
            : "the public collection takes only TLP:CLEAR content; mark the object TLP:CLEAR or post it elsewhere";
    private static final Function<Tlp, String> GREEN_OR_CLEAR = t -> t == Tlp.CLEAR || t == Tlp.GREEN ? null
            : "the community collection takes only TLP:CLEAR or TLP:GREEN content; post AMBER or RED content to a "
            + "sector, group or member collection";

    private final MemberDirectory members;

    TaxiiCollections(MemberDirectory members) {
        this.members = members;
    }

    /** Every collection the caller may read or write. */
    List<TaxiiCollection> visibleTo(Principal p) {
        List<TaxiiCollection> out = new ArrayList<>();
        out.add(publicCollection(p));
        if (!p.isCommunityMember()) {
            return out;
        }
        out.add(community());
        for (Sector s : Sector.values()) {
            out.add(sector(p, s));
        }
        List<SharingGroup> groups = members.groups();
        for (SharingGroup g : groups) {
            if (p.isCenterStaff() || p.groups().contains(g.id())) {
                out.add(group(p, g));
            }
        }
        if (p.isCenterStaff()) {
            out.add(all());
            for (Member m : members.list()) {
                out.add(memberCollection(p, m.id(), m.name()));
            }
        } else {
            out.add(memberCollection(p, p.memberId(), p.memberName()));
        }
        return out;
    }

    /** The collection with this id if the caller may read or write it. */
    Optional<TaxiiCollection> find(Principal p, String id) {
        if (id.equals("public")) {
            return Optional.of(publicCollection(p));
        }
        if (!p.isCommunityMember()) {
            return Optional.empty();
        }
        if (id.equals("community")) {
            return Optional.of(community());
        }
        if (id.equals("all")) {
            return p.isCenterStaff() ? Optional.of(all()) : Optional.empty();
        }
        if (id.startsWith("sector-")) {
            for (Sector s : Sector.values()) {
                if (id.equals("sector-" + s.wire())) {
                    return Optional.of(sector(p, s));
                }
            }
            return Optional.empty();
        }
        UUID uuid = uuidAfter(id, "group-");
        if (uuid != null && (p.isCenterStaff() || p.groups().contains(uuid))) {
            try {
                return Optional.of(group(p, members.group(uuid)));
            } catch (org.renkei.NotFoundException e) {
                return Optional.empty();
            }
        }
        uuid = uuidAfter(id, "member-");
        if (uuid != null && uuid.equals(p.memberId())) {
            return Optional.of(memberCollection(p, uuid, p.memberName())); // the caller's own: no lookup per request
        }
        if (uuid != null && p.isCenterStaff()) {
            return members.find(uuid).map(m -> memberCollection(p, m.id(), m.name()));
        }
        return Optional.empty();
    }

    private static UUID uuidAfter(String id, String prefix) {
        if (!id.startsWith(prefix) || id.length() != prefix.length() + 36) {
            return null;
        }
        try {
            return UUID.fromString(id.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static TaxiiCollection publicCollection(Principal p) {
        return new TaxiiCollection("public", "Public (TLP:CLEAR)",
                "Content anyone may read, without a token.", true, p.isCenterStaff(),
                new Scope("o.tlp = 0", Map.of()), ReadPath.BULK, Audience.NONE, CLEAR_ONLY);
    }

    private static TaxiiCollection community() {
        return new TaxiiCollection("community", "Community (TLP:GREEN and CLEAR)",
                "Content every member of the community may read.", true, true,
                new Scope("o.tlp <= 1", Map.of()), ReadPath.BULK, Audience.NONE, GREEN_OR_CLEAR);
    }

    private static TaxiiCollection sector(Principal p, Sector s) {
        boolean read = p.isCenterStaff() || s == p.sector();
        return new TaxiiCollection("sector-" + s.wire(), "Sector: " + s.wire(),
                "Content addressed to the " + s.wire() + " sector. Any member may post here; the sector's members read it.",
                read, p.isCommunityMember(),
                new Scope("o.recipient_sectors <> '{}' and o.recipient_sectors @> array[cast(:scope_sector as text)]", Map.of("scope_sector", s.wire())),
                ReadPath.BULK, Audience.ofSector(s), ANY_TLP);
    }

    private static TaxiiCollection group(Principal p, SharingGroup g) {
        return new TaxiiCollection("group-" + g.id(), "Group: " + g.name(),
                g.description() == null ? "Content addressed to the sharing group " + g.name() + "." : g.description(),
                true, true,
                new Scope("o.recipient_groups <> '{}' and o.recipient_groups @> array[cast(:scope_group as uuid)]", Map.of("scope_group", g.id())),
                ReadPath.BULK, Audience.ofGroup(g.id()), ANY_TLP);
    }

    private static TaxiiCollection memberCollection(Principal p, UUID member, String name) {
        boolean own = member.equals(p.memberId());
        return new TaxiiCollection("member-" + member, own ? "Own: " + name : "Member: " + name,
                "What " + name + " submitted and what was addressed to it alone. "
                        + (own ? "Posting here shares with the center only." : "Posting here addresses the member."),
                true, true,
                new Scope("(o.submitter = cast(:scope_member as uuid) or (o.recipient_members <> '{}' and o.recipient_members @> array[cast(:scope_member as uuid)]))",
                        Map.of("scope_member", member)),
                ReadPath.DIRECT, own ? Audience.NONE : Audience.ofMember(member), ANY_TLP);
    }

    private static TaxiiCollection all() {
        return new TaxiiCollection("all", "Everything (center staff)", "Every object in the store.", true, true,
                Scope.ALL, ReadPath.DIRECT, Audience.NONE, ANY_TLP);
    }
}
