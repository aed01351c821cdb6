package org.renkei.access;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.renkei.stix.Tlp;

/**
 * The one access policy: may this principal see this object? Every read path asks
 * it, either object by object ({@link #maySee}) or, for queries over the store,
 * through the equivalent SQL predicate ({@link #sqlFilter}). Both forms are kept in
 * this one class and a test checks they agree on every combination.
 *
 * <p>The rules, from FIRST TLP 2.0, as this center applies them:
 * <ul>
 * <li>CLEAR: anyone, including unauthenticated callers.</li>
 * <li>GREEN: every member of the community (any admin, analyst or member token).</li>
 * <li>AMBER: the submitter's organisation, the members it named, the members of the
 *     sectors and sharing groups it named, and center staff.</li>
 * <li>AMBER+STRICT: like AMBER but never beyond named organisations: the named
 *     members and the members of named sharing groups (explicit lists of
 *     organisations), not whole sectors.</li>
 * <li>RED: only the submitter's organisation, the members named individually, and
 *     center staff; and never on a {@link ReadPath#BULK} path.</li>
 * <li>No TLP marking: treated as AMBER.</li>
 * <li>A sensor token reads nothing but CLEAR: it exists to post observations.</li>
 * </ul>
 */
public final class AccessPolicy {

    /** Numeric codes of the TLP levels as stored in the {@code tlp} column. */
    public static int code(Tlp tlp) {
        return switch (tlp) {
            case CLEAR -> 0;
            case GREEN -> 1;
            case AMBER -> 2;
            case AMBER_STRICT -> 3;
            case RED -> 4;
        };
    }

    public static Tlp fromCode(int code) {
        return switch (code) {
            case 0 -> Tlp.CLEAR;
            case 1 -> Tlp.GREEN;
            case 2 -> Tlp.AMBER;
            case 3 -> Tlp.AMBER_STRICT;
            case 4 -> Tlp.RED;
            default -> throw new IllegalArgumentException("no TLP level has code " + code);
        };
    }

    public boolean maySee(Principal p, Visibility v, ReadPath path) {
        Tlp tlp = v.effectiveTlp();
        if (tlp == Tlp.RED && path == ReadPath.BULK) {
            return false;
        }
        if (tlp == Tlp.CLEAR) {
            return true;
        }
        if (!p.isCommunityMember()) {
            return false;
        }
        if (p.isCenterStaff() || p.memberId().equals(v.submitter())) {
            return true;
        }
        Audience to = v.recipients();
        return switch (tlp) {
            case GREEN -> true;
            case AMBER -> to.members().contains(p.memberId())
                    || (p.sector() != null && to.sectors().contains(p.sector()))
                    || intersects(to, p);
            case AMBER_STRICT -> to.members().contains(p.memberId()) || intersects(to, p);
            case RED -> to.members().contains(p.memberId());
            case CLEAR -> true;
        };
    }

    /** May the caller learn who really submitted an anonymous object? Only its own organisation and center staff. */
    public boolean maySeeSource(Principal p, UUID submitter) {
        return p.isCenterStaff() || (p.memberId() != null && p.memberId().equals(submitter));
    }

    private static boolean intersects(Audience to, Principal p) {
        for (UUID g : p.groups()) {
            if (to.groups().contains(g)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The same rules as {@link #maySee} as a SQL boolean expression over a
     * {@code stix_object} row aliased {@code alias}, with named parameters whose
     * names start with {@code acl_}.
     */
    public SqlFilter sqlFilter(Principal p, ReadPath path, String alias) {
        String a = alias + ".";
        String notRed = path == ReadPath.BULK ? " and " + a + "tlp <> 4" : "";
        Map<String, Object> binds = new LinkedHashMap<>();
        if (!p.isCommunityMember()) {
            return new SqlFilter(a + "tlp = 0", binds);
        }
        if (p.isCenterStaff()) {
            return new SqlFilter(path == ReadPath.BULK ? a + "tlp <> 4" : "true", binds);
        }
        binds.put("acl_me", p.memberId());
        StringBuilder sql = new StringBuilder("(").append(a).append("tlp <= 1 or ").append(a).append("submitter = :acl_me")
                .append(" or (").append(a).append("tlp in (2,3,4) and ").append(a)
                .append("recipient_members @> array[cast(:acl_me as uuid)])");
        if (p.sector() != null) {
            binds.put("acl_sector", p.sector().wire());
            sql.append(" or (").append(a).append("tlp = 2 and ").append(a)
                    .append("recipient_sectors @> array[cast(:acl_sector as text)])");
        }
        if (!p.groups().isEmpty()) {
            binds.put("acl_groups", p.groups().toArray(UUID[]::new));
            sql.append(" or (").append(a).append("tlp in (2,3) and ").append(a).append("recipient_groups && :acl_groups)");
        }
        sql.append(")").append(notRed);
        return new SqlFilter(sql.toString(), binds);
    }

    /** A SQL boolean expression and the named parameters it uses. */
    public record SqlFilter(String sql, Map<String, Object> binds) {
    }
}
