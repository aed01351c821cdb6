package org.renkei.intel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.renkei.access.AccessPolicy;
import org.renkei.access.Audience;
import org.renkei.access.Principal;
import org.renkei.access.ReadPath;

/**
 * Reads the stored STIX objects. Every query is filtered by the {@link AccessPolicy}
 * in SQL, so a page is filled with objects the caller may see and paging stays
 * index-driven on {@code date_added_us}.
 */
public final class ObjectStore {
    /**
     * Rows read for pages. The recipient lists are left out: the access policy has been
     * applied in SQL already, and decoding three arrays per row was an eighth of a page's cost.
     */
    static final String COLUMNS = "o.id, o.version_us, o.date_added_us, o.type, o.spec_version, o.tlp, o.submitter, "
            + "o.anonymous, o.revoked, o.body";

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final StoreVersion version;

    public ObjectStore(Jdbi jdbi, AccessPolicy policy, StoreVersion version) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.version = version;
    }

    /** A page of objects in date_added order and whether more match. */
    public record Page(List<StoredObject> objects, boolean more) {
    }

    public Page query(Principal p, ReadPath path, ObjectQuery q) {
        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from stix_object o where ");
        Map<String, Object> binds = new HashMap<>();
        where(sql, binds, p, path, q);
        sql.append(" order by o.date_added_us limit ").append(q.limit() + 1);
        List<StoredObject> rows = jdbi.withHandle(h -> bind(h.createQuery(sql.toString()), binds)
                .map((rs, ctx) -> row(rs)).list());
        boolean more = rows.size() > q.limit();
        return new Page(more ? rows.subList(0, q.limit()) : rows, more);
    }

    /** The newest visible version of one object, if the caller may see any. */
    public Optional<StoredObject> latest(Principal p, ReadPath path, Scope scope, String id) {
        ObjectQuery q = new ObjectQuery(scope, List.of(id), List.of(), ObjectQuery.Versions.ALL, List.of(), null, 10_000);
        List<StoredObject> all = query(p, path, q).objects();
        return all.stream().max((a, b) -> Long.compare(a.versionUs(), b.versionUs()));
    }

    /** Deletes the given versions (all when {@code versionsUs} is empty) of one object; returns how many. */
    public int delete(String id, Set<Long> versionsUs) {
        int[] deleted = {0};
        version.write(jdbi, h -> {
            // the clock lock first, as the ingest writer takes it: the writer reads what is stored under
            // it and must not find rows that a delete is removing (nor wait for their row locks)
            long before = h.createQuery("select last_us from date_added_clock for update").mapTo(Long.class).one();
            int n = versionsUs.isEmpty()
                    ? h.createUpdate("delete from stix_object where id = :id").bind("id", id).execute()
                    : h.createUpdate("delete from stix_object where id = :id and version_us = any(:v)")
                    .bind("id", id).bind("v", versionsUs.toArray(Long[]::new)).execute();
            h.createUpdate("""
                    update stix_object o set is_latest = true
                    where o.id = :id and not o.is_latest
                      and o.version_us = (select max(version_us) from stix_object where id = :id)""")
                    .bind("id", id).execute();
            deleted[0] = n;
            // advance the store's version so that cached pages holding the object go stale
            if (n == 0) {
                return Long.MIN_VALUE;
            }
            h.createUpdate("update date_added_clock set last_us = :v").bind("v", before + 1).execute();
            return before + 1;
        });
        return deleted[0];
    }

    /** The version to key cached pages by; empty while this process commits a write (see {@link StoreVersion}). */
    public OptionalLong versionForCaching() {
        return version.forCaching();
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from stix_object").mapTo(Long.class).one());
    }

    private void where(StringBuilder sql, Map<String, Object> binds, Principal p, ReadPath path, ObjectQuery q) {
        AccessPolicy.SqlFilter acl = policy.sqlFilter(p, path, "o");
        sql.append("(").append(acl.sql()).append(") and (").append(q.scope().sql()).append(")");
        binds.putAll(acl.binds());
        binds.putAll(q.scope().binds());
        if (!q.ids().isEmpty()) {
            sql.append(" and o.id = any(:q_ids)");
            binds.put("q_ids", q.ids().toArray(String[]::new));
        }
        if (!q.types().isEmpty()) {
            sql.append(" and o.type = any(:q_types)");
            binds.put("q_types", q.types().toArray(String[]::new));
        }
        if (!q.specVersions().isEmpty()) {
            sql.append(" and o.spec_version = any(:q_specs)");
            binds.put("q_specs", q.specVersions().toArray(String[]::new));
        }
        ObjectQuery.Versions v = q.versions();
        if (!v.all()) {
            List<String> any = new ArrayList<>();
            if (v.last()) {
                any.add("o.is_latest");
            }
            if (v.first()) {
                any.add("not exists (select 1 from stix_object f where f.id = o.id and f.version_us < o.version_us)");
            }
            if (!v.specific().isEmpty()) {
                any.add("o.version_us = any(:q_versions)");
                binds.put("q_versions", v.specific().toArray(Long[]::new));
            }
            sql.append(" and (").append(String.join(" or ", any)).append(")");
        }
        if (q.addedAfterUs() != null) {
            sql.append(" and o.date_added_us > :q_after");
            binds.put("q_after", q.addedAfterUs());
        }
    }

    static Query bind(Query query, Map<String, Object> binds) {
        binds.forEach(query::bind);
        return query;
    }

    static StoredObject row(ResultSet rs) throws SQLException {
        return new StoredObject(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                AccessPolicy.fromCode(rs.getInt(6)), rs.getObject(7, UUID.class), rs.getBoolean(8), Audience.NONE,
                rs.getBoolean(9), rs.getString(10));
    }
}
