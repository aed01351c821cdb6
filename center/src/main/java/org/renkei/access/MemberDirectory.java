package org.renkei.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.renkei.ConflictException;
import org.renkei.InputException;
import org.renkei.NotFoundException;

/** Members and sharing groups, as the center's administrators maintain them. */
public final class MemberDirectory {
    static final int MAX_NAME = 200;
    static final int MAX_RANGES = 10_000;

    private final Jdbi jdbi;

    public MemberDirectory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Member create(MemberInput in) {
        if (in.name() == null || in.name().isBlank()) {
            throw new InputException("name", "a member needs a name");
        }
        if (in.type() == null) {
            throw new InputException("type", "a member needs a type: center, sector-body, operator, isp, vendor, "
                    + "government, municipality or research");
        }
        UUID id = UUID.randomUUID();
        return jdbi.inTransaction(h -> {
            ensureNameFree(h, in.name(), null);
            h.createUpdate("""
                    insert into member (id, name, type, sector, trust_weight, anonymous_default, identity_id)
                    values (:id, :name, :type, :sector, :trust, :anon, :identity)""")
                    .bind("id", id).bind("name", checkName(in.name())).bind("type", in.type().wire())
                    .bind("sector", in.sector() == null ? null : in.sector().wire())
                    .bind("trust", checkTrust(in.trustWeight() == null ? 0.5 : in.trustWeight()))
                    .bind("anon", in.anonymousByDefault() != null && in.anonymousByDefault())
                    .bind("identity", "identity--" + id).execute();
            replaceRanges(h, id, in.cidrs() == null ? List.of() : in.cidrs(), in.asns() == null ? List.of() : in.asns());
            return load(h, id).orElseThrow();
        });
    }

    public Member update(UUID id, MemberInput in) {
        return jdbi.inTransaction(h -> {
            Member old = load(h, id).orElseThrow(() -> notFound(id));
            if (in.name() != null) {
                ensureNameFree(h, checkName(in.name()), id);
            }
            if (old.type() == MemberType.CENTER && in.type() != null && in.type() != MemberType.CENTER) {
                long staff = h.createQuery("select count(*) from api_token where member_id = :id "
                        + "and role in ('admin','analyst') and revoked is null").bind("id", id).mapTo(Long.class).one();
                if (staff > 0) {
                    throw new ConflictException("'" + old.name() + "' holds " + staff + " admin/analyst token(s), which "
                            + "only center members may hold; revoke them before changing its type");
                }
            }
            h.createUpdate("""
                    update member set name = :name, type = :type, sector = :sector, trust_weight = :trust,
                      anonymous_default = :anon, modified = now() where id = :id""")
                    .bind("id", id)
                    .bind("name", in.name() == null ? old.name() : checkName(in.name()))
                    .bind("type", (in.type() == null ? old.type() : in.type()).wire())
                    .bind("sector", in.sectorSet() ? (in.sector() == null ? null : in.sector().wire())
                            : (old.sector() == null ? null : old.sector().wire()))
                    .bind("trust", in.trustWeight() == null ? old.trustWeight() : checkTrust(in.trustWeight()))
                    .bind("anon", in.anonymousByDefault() == null ? old.anonymousByDefault() : in.anonymousByDefault())
                    .execute();
            if (in.cidrs() != null || in.asns() != null) {
                replaceRanges(h, id, in.cidrs() == null ? old.cidrs() : in.cidrs(),
                        in.asns() == null ? old.asns() : in.asns());
            }
            return load(h, id).orElseThrow();
        });
    }

    /**
     * Removes a member that has shared nothing (no objects, no sensor observations); one that has is
     * kept, so nothing accepted is lost.
     */
    public void delete(UUID id) {
        jdbi.useTransaction(h -> {
            // the row lock waits for an ingest batch storing this member's objects (it holds KEY SHARE on
            // the row) and keeps new batches from storing any until this commits; they find it gone
            if (h.createQuery("select 1 from member where id = :id for update").bind("id", id).mapTo(Integer.class)
                    .findOne().isEmpty()) {
                throw notFound(id);
            }
            Member m = load(h, id).orElseThrow(() -> notFound(id));
            if (m.type() == MemberType.CENTER) {
                // center members sign merged and anonymised content and hold the staff tokens
                throw new ConflictException("'" + m.name() + "' is a center member and cannot be removed; to retire "
                        + "it, revoke its tokens and change its type first");
            }
            long shared = h.createQuery("select count(*) from stix_object where submitter = :id")
                    .bind("id", id).mapTo(Long.class).one();
            if (shared > 0) {
                throw new ConflictException("member '" + m.name() + "' has submitted " + shared
                        + " objects, which stay in the store; revoke its tokens instead of removing it");
            }
            long batches = h.createQuery("select count(*) from observation_batch where member_id = :id")
                    .bind("id", id).mapTo(Long.class).one();
            if (batches > 0) {
                throw new ConflictException("member '" + m.name() + "' has sent " + batches
                        + " sensor observation batches, which stay in the store; revoke its tokens instead of removing it");
            }
            h.createUpdate("delete from member where id = :id").bind("id", id).execute();
        });
    }

    public Member get(UUID id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    public Optional<Member> find(UUID id) {
        return jdbi.withHandle(h -> load(h, id));
    }

    public List<Member> list() {
        return jdbi.withHandle(h -> {
            List<UUID> ids = h.createQuery("select id from member order by lower(name)").mapTo(UUID.class).list();
            List<Member> out = new ArrayList<>(ids.size());
            for (UUID id : ids) {
                load(h, id).ifPresent(out::add);
            }
            return out;
        });
    }

    /** The first member of type center: the organisation that runs this center. */
    public Optional<Member> center() {
        return jdbi.withHandle(h -> h.createQuery("select id from member where type = 'center' order by created limit 1")
                .mapTo(UUID.class).findOne().flatMap(id -> load(h, id)));
    }

    Principal principalFor(UUID memberId, Role role, UUID tokenId) {
        return jdbi.withHandle(h -> {
            Member m = load(h, memberId).orElseThrow(() -> notFound(memberId));
            Set<UUID> groups = new HashSet<>(h.createQuery("select group_id from sharing_group_member where member_id = :m")
                    .bind("m", memberId).mapTo(UUID.class).list());
            return new Principal(m.id(), m.name(), m.type(), m.sector(), groups, role, tokenId);
        });
    }

    // --- sharing groups ---

    public SharingGroup createGroup(String name, String description, Set<UUID> members) {
        if (name == null || name.isBlank()) {
            throw new InputException("name", "a sharing group needs a name");
        }
        UUID id = UUID.randomUUID();
        String clean = checkName(name);
        return jdbi.inTransaction(h -> {
            ensureGroupNameFree(h, clean, null);
            h.createUpdate("insert into sharing_group (id, name, description) values (:id, :name, :d)")
                    .bind("id", id).bind("name", clean).bind("d", description).execute();
            replaceGroupMembers(h, id, members == null ? Set.of() : members);
            return loadGroup(h, id).orElseThrow();
        });
    }

    public SharingGroup updateGroup(UUID id, String name, String description, Set<UUID> members) {
        return jdbi.inTransaction(h -> {
            SharingGroup old = loadGroup(h, id).orElseThrow(() -> groupNotFound(id));
            if (name != null) {
                ensureGroupNameFree(h, checkName(name), id);
            }
            h.createUpdate("update sharing_group set name = :name, description = :d where id = :id")
                    .bind("id", id).bind("name", name == null ? old.name() : checkName(name))
                    .bind("d", description == null ? old.description() : description).execute();
            if (members != null) {
                replaceGroupMembers(h, id, members);
            }
            return loadGroup(h, id).orElseThrow();
        });
    }

    public void deleteGroup(UUID id) {
        int n = jdbi.withHandle(h -> h.createUpdate("delete from sharing_group where id = :id").bind("id", id).execute());
        if (n == 0) {
            throw groupNotFound(id);
        }
    }

    public SharingGroup group(UUID id) {
        return jdbi.withHandle(h -> loadGroup(h, id)).orElseThrow(() -> groupNotFound(id));
    }

    public List<SharingGroup> groups() {
        return jdbi.withHandle(h -> {
            List<UUID> ids = h.createQuery("select id from sharing_group order by lower(name)").mapTo(UUID.class).list();
            List<SharingGroup> out = new ArrayList<>();
            for (UUID id : ids) {
                loadGroup(h, id).ifPresent(out::add);
            }
            return out;
        });
    }

    // --- internals ---

    private static String checkName(String name) {
        String n = name.strip();
        if (n.isEmpty()) {
            throw new InputException("name", "may not be blank");
        }
        if (n.length() > MAX_NAME) {
            throw new InputException("name", "is " + n.length() + " characters; at most " + MAX_NAME + " are allowed");
        }
        return n;
    }

    private static double checkTrust(double w) {
        if (!(w >= 0 && w <= 1)) {
            throw new InputException("trust_weight", "must be between 0 and 1, was " + w);
        }
        return w;
    }

    private static void ensureGroupNameFree(Handle h, String name, UUID self) {
        Optional<UUID> other = h.createQuery("select id from sharing_group where lower(name) = lower(:n)")
                .bind("n", name).mapTo(UUID.class).findOne();
        if (other.isPresent() && !other.get().equals(self)) {
            throw new ConflictException("a sharing group named '" + name + "' already exists (id " + other.get() + ")");
        }
    }

    private static void ensureNameFree(Handle h, String name, UUID self) {
        Optional<UUID> other = h.createQuery("select id from member where lower(name) = lower(:n)")
                .bind("n", name.strip()).mapTo(UUID.class).findOne();
        if (other.isPresent() && !other.get().equals(self)) {
            throw new ConflictException("a member named '" + name.strip() + "' already exists (id " + other.get() + ")");
        }
    }

    private static void replaceRanges(Handle h, UUID id, List<String> cidrs, List<Long> asns) {
        if (cidrs.size() > MAX_RANGES || asns.size() > MAX_RANGES) {
            throw new InputException("cidrs", "at most " + MAX_RANGES + " address ranges and ASNs per member");
        }
        Map<String, Boolean> normalised = new LinkedHashMap<>();
        for (int i = 0; i < cidrs.size(); i++) {
            normalised.put(AddressRanges.normalise("cidrs[" + i + "]", cidrs.get(i)), true);
        }
        for (int i = 0; i < asns.size(); i++) {
            Long asn = asns.get(i);
            if (asn == null || asn < 0 || asn > 4_294_967_295L) {
                throw new InputException("asns[" + i + "]", "an ASN is a number from 0 to 4294967295, was " + asn);
            }
        }
        h.createUpdate("delete from member_cidr where member_id = :id").bind("id", id).execute();
        h.createUpdate("delete from member_asn where member_id = :id").bind("id", id).execute();
        var cb = h.prepareBatch("insert into member_cidr (member_id, cidr) values (:id, cast(:c as cidr))");
        for (String c : normalised.keySet()) {
            cb.bind("id", id).bind("c", c).add();
        }
        if (!normalised.isEmpty()) {
            cb.execute();
        }
        var ab = h.prepareBatch("insert into member_asn (member_id, asn) values (:id, :a) on conflict do nothing");
        for (Long a : asns) {
            ab.bind("id", id).bind("a", a).add();
        }
        if (!asns.isEmpty()) {
            ab.execute();
        }
    }

    private static void replaceGroupMembers(Handle h, UUID group, Set<UUID> members) {
        h.createUpdate("delete from sharing_group_member where group_id = :g").bind("g", group).execute();
        for (UUID m : members) {
            if (load(h, m).isEmpty()) {
                throw new InputException("members", "no member has id " + m);
            }
            h.createUpdate("insert into sharing_group_member (group_id, member_id) values (:g, :m)")
                    .bind("g", group).bind("m", m).execute();
        }
    }

    private static Optional<Member> load(Handle h, UUID id) {
        return h.createQuery("""
                select id, name, type, sector, trust_weight, anonymous_default, identity_id, created, modified
                from member where id = :id""")
                .bind("id", id)
                .map((rs, ctx) -> row(h, rs))
                .findOne();
    }

    private static Member row(Handle h, ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        List<String> cidrs = h.createQuery("select cidr::text from member_cidr where member_id = :id order by cidr")
                .bind("id", id).mapTo(String.class).list();
        List<Long> asns = h.createQuery("select asn from member_asn where member_id = :id order by asn")
                .bind("id", id).mapTo(Long.class).list();
        String sector = rs.getString("sector");
        return new Member(id, rs.getString("name"), MemberType.fromWire(rs.getString("type")),
                sector == null ? null : Sector.fromWire(sector), cidrs, asns, rs.getDouble("trust_weight"),
                rs.getBoolean("anonymous_default"), rs.getString("identity_id"),
                instant(rs, "created"), instant(rs, "modified"));
    }

    private static Optional<SharingGroup> loadGroup(Handle h, UUID id) {
        return h.createQuery("select id, name, description, created from sharing_group where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new SharingGroup(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getString("description"),
                        new HashSet<>(h.createQuery("select member_id from sharing_group_member where group_id = :g")
                                .bind("g", id).mapTo(UUID.class).list()),
                        instant(rs, "created")))
                .findOne();
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        return rs.getTimestamp(col).toInstant();
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("no member has id " + id);
    }

    private static NotFoundException groupNotFound(UUID id) {
        return new NotFoundException("no sharing group has id " + id);
    }
}
