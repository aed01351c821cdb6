package org.renkei.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.renkei.store.PostgresExtension;
import org.renkei.stix.Tlp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy's SQL form and its Java form must agree on every object for every
 * principal: random objects (TLP, submitter, recipients) in a real PostgreSQL,
 * random principals, both read paths. Seeded; the seed is logged.
 */
class AccessPolicySqlTest {
    private static final Logger LOG = LoggerFactory.getLogger(AccessPolicySqlTest.class);

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    static final AccessPolicy POLICY = new AccessPolicy();
    static final List<UUID> MEMBERS = new ArrayList<>();
    static final List<UUID> GROUPS = new ArrayList<>();
    static final Map<String, Visibility> OBJECTS = new HashMap<>();

    @BeforeAll
    static void populate() {
        Random r = new Random(20261122);
        PG.jdbi().useHandle(h -> {
            for (int i = 0; i < 8; i++) {
                UUID id = UUID.randomUUID();
                MEMBERS.add(id);
                h.createUpdate("insert into member (id, name, type, identity_id) values (:id, :n, 'operator', :i)")
                        .bind("id", id).bind("n", "m" + i).bind("i", "identity--" + id).execute();
            }
            for (int i = 0; i < 3; i++) {
                GROUPS.add(UUID.randomUUID());
            }
            Tlp[] tlps = Tlp.values();
            Sector[] sectors = Sector.values();
            long added = 1;
            for (int i = 0; i < 600; i++) {
                Tlp tlp = tlps[r.nextInt(tlps.length)];
                UUID submitter = MEMBERS.get(r.nextInt(MEMBERS.size()));
                Set<UUID> rm = pick(r, MEMBERS, 2);
                Set<Sector> rs = new HashSet<>();
                if (r.nextBoolean()) {
                    rs.add(sectors[r.nextInt(3)]);
                }
                Set<UUID> rg = pick(r, GROUPS, 1);
                String id = "indicator--" + UUID.randomUUID();
                OBJECTS.put(id, new Visibility(tlp, submitter, new Audience(rm, rs, rg)));
                h.createUpdate("""
                        insert into stix_object (id, version_us, date_added_us, type, tlp, submitter,
                          recipient_members, recipient_sectors, recipient_groups, body)
                        values (:id, 1, :added, 'indicator', :tlp, :sub, :rm, :rs, :rg, '{}')""")
                        .bind("id", id).bind("added", added++).bind("tlp", AccessPolicy.code(tlp)).bind("sub", submitter)
                        .bind("rm", rm.toArray(UUID[]::new))
                        .bind("rs", rs.stream().map(Sector::wire).toArray(String[]::new))
                        .bind("rg", rg.toArray(UUID[]::new)).execute();
            }
        });
    }

    static Set<UUID> pick(Random r, List<UUID> from, int max) {
        Set<UUID> out = new HashSet<>();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            out.add(from.get(r.nextInt(from.size())));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void sqlAndJavaAgree(long seed) {
        LOG.info("seed {}", seed);
        Random r = new Random(seed);
        Role[] roles = Role.values();
        Sector[] sectors = Sector.values();
        for (int i = 0; i < 20; i++) {
            Principal p = r.nextInt(10) == 0 ? Principal.PUBLIC : new Principal(MEMBERS.get(r.nextInt(MEMBERS.size())),
                    "m", MemberType.OPERATOR, r.nextBoolean() ? sectors[r.nextInt(3)] : null, pick(r, GROUPS, 2),
                    roles[r.nextInt(roles.length)], UUID.randomUUID());
            for (ReadPath path : ReadPath.values()) {
                AccessPolicy.SqlFilter f = POLICY.sqlFilter(p, path, "o");
                Set<String> viaSql = new TreeSet<String>(PG.jdbi().<List<String>, RuntimeException>withHandle(h -> {
                    var q = h.createQuery("select id from stix_object o where " + f.sql());
                    f.binds().forEach(q::bind);
                    return q.mapTo(String.class).list();
                }));
                Set<String> viaJava = new TreeSet<>();
                OBJECTS.forEach((id, v) -> {
                    if (POLICY.maySee(p, v, path)) {
                        viaJava.add(id);
                    }
                });
                assertThat(viaSql).as("seed %d, principal %s, %s", seed, p, path).isEqualTo(viaJava);
            }
        }
    }
}
