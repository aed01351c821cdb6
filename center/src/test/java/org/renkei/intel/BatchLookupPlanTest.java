package org.renkei.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.center.TestCenter;
import org.renkei.store.PostgresExtension;

/**
 * The ingest writer's two per-batch lookups (the stored versions of the batch's ids, the shareable
 * sources of its corroboration keys) must cost what the batch costs, not what the store holds. Asked
 * as "col = any(:array) group by ...", PostgreSQL plans a large array as a sequential scan of the
 * whole table; these plans, from the embedded PostgreSQL the center runs on and as the writer runs
 * them ({@link BatchLookups#byIndex}), scan the primary key for the array instead, on a store ten
 * times the batch; and the setting is back to what it was afterwards.
 */
class BatchLookupPlanTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.embedded();

    private static final int STORED = 100_000;
    private static final int BATCH = 10_000;

    @Test
    void storedVersionsAndShareableSourcesAreLookedUpByIndexWhateverTheStoreSize() {
        try (TestCenter center = TestCenter.start(PG.database()); Handle h = PG.jdbi().open()) {
            String member = h.createQuery("select id::text from member limit 1").mapTo(String.class).one();
            h.execute("insert into stix_object (id, version_us, date_added_us, type, tlp, submitter, body) "
                    + "select 'indicator--' || lpad(to_hex(g), 36, '0'), 1, g, 'indicator', 1, '" + member + "', "
                    + "repeat('x', 600) from generate_series(1, " + STORED + ") g");
            h.execute("insert into corroboration_source (key, member_id, object_id, kind, tlp) "
                    + "select 'sco:ipv4-addr:10.0.' || g, '" + member + "', 'indicator--' || lpad(to_hex(g), 36, '0'), "
                    + "'report', 1 from generate_series(1, " + STORED + ") g");
            String ids = IntStream.rangeClosed(STORED - BATCH / 2, STORED + BATCH / 2)
                    .mapToObj(g -> "indicator--" + "0".repeat(36 - Integer.toHexString(g).length()) + Integer.toHexString(g))
                    .collect(Collectors.joining(","));
            String keys = IntStream.rangeClosed(STORED - BATCH / 2, STORED + BATCH / 2)
                    .mapToObj(g -> "\"sco:ipv4-addr:10.0." + g + "\"").collect(Collectors.joining(",", "{", "}"));

            h.begin(); // the writer's lookups run in its transaction: the settings are transaction-local
            // before autovacuum's analyze (an empty-looking table): no parallel workers either
            String unanalyzed = BatchLookups.byIndex(h, BATCH, () -> plan(h, Ingestor.storedVersionsSql("string_to_array('" + ids + "', ',')")));
            assertThat(unanalyzed).doesNotContain("Seq Scan").doesNotContain("Gather");
            h.execute("analyze stix_object");
            h.execute("analyze corroboration_source");
            String stored = BatchLookups.byIndex(h, BATCH, () -> plan(h, Ingestor.storedVersionsSql("string_to_array('" + ids + "', ',')")));
            assertThat(stored).contains("Index").contains("stix_object_pkey").doesNotContain("Seq Scan on stix_object")
                    .doesNotContain("Gather");
            String sources = BatchLookups.byIndex(h, BATCH, () -> plan(h, Corroboration.SHAREABLE_SOURCES_SQL.replace(":keys", "'" + keys + "'")));
            assertThat(sources).contains("corroboration_source_pkey").doesNotContain("Seq Scan on corroboration_source");
            // as the writer binds them: the generic plan (the array not planned element by element), same index
            h.execute("prepare stored_versions(text) as " + Ingestor.storedVersionsSql("string_to_array($1, ',')"));
            String generic = BatchLookups.byIndex(h, BATCH, () -> plan(h, "execute stored_versions('" + ids + "')"));
            assertThat(generic).contains("$1").contains("stix_object_pkey").doesNotContain("Seq Scan").doesNotContain("Gather");
            assertThat(plan(h, "execute stored_versions('" + ids + "')")).doesNotContain("$1"); // custom outside
            // a batch of a few objects is looked up as it is (no settings changed): by index all the same
            String few = String.join(",", java.util.Arrays.copyOf(ids.split(","), BatchLookups.SMALL - 1));
            String small = BatchLookups.byIndex(h, BatchLookups.SMALL - 1,
                    () -> plan(h, Ingestor.storedVersionsSql("string_to_array('" + few + "', ',')")));
            assertThat(small).contains("stix_object_pkey").doesNotContain("Seq Scan").doesNotContain("Gather");
            assertThat(h.createQuery("show enable_seqscan").mapTo(String.class).one()).isEqualTo("on");
            assertThat(h.createQuery("show max_parallel_workers_per_gather").mapTo(String.class).one()).isEqualTo("2");
            assertThat(h.createQuery("show plan_cache_mode").mapTo(String.class).one()).isEqualTo("auto");

            // and the answers: half of the ids are stored, each with its one version; every stored key
            // of the batch has its one member's source
            var found = BatchLookups.byIndex(h, BATCH, () -> h.createQuery(Ingestor.storedVersionsSql("string_to_array('" + ids + "', ',')"))
                    .mapToMap().list());
            assertThat(found).hasSize(BATCH / 2 + 1).allSatisfy(r -> assertThat(r.get("newest")).isEqualTo(1L));
            // only keys that two members reported come back (each of those members once, by key): here three
            // keys of the batch, also reported by a second member (twice for one of them, once at AMBER)
            String second = h.createQuery("insert into member (id, identity_id, name, type, trust_weight) values "
                    + "(gen_random_uuid(), 'identity--' || gen_random_uuid(), 'second source', 'operator', 0.25) "
                    + "returning id::text").mapTo(String.class).one();
            h.execute("insert into corroboration_source (key, member_id, object_id, kind, tlp) values "
                    + "('sco:ipv4-addr:10.0.99999', '" + second + "', 'indicator--a', 'report', 1), "
                    + "('sco:ipv4-addr:10.0.99998', '" + second + "', 'indicator--b', 'report', 0), "
                    + "('sco:ipv4-addr:10.0.99998', '" + second + "', 'indicator--c', 'report', 1), "
                    + "('sco:ipv4-addr:10.0.99997', '" + second + "', 'indicator--d', 'report', 2), "
                    + "('sco:ipv4-addr:10.0.99996', '" + second + "', 'indicator--e', 'report', 0)");
            String[] batchKeys = IntStream.rangeClosed(STORED - BATCH / 2, STORED + BATCH / 2)
                    .mapToObj(g -> "sco:ipv4-addr:10.0." + g).toArray(String[]::new);
            java.util.Collections.shuffle(java.util.Arrays.asList(batchKeys), new java.util.Random(7));
            var shareable = BatchLookups.byIndex(h, BATCH, () -> h.createQuery(Corroboration.SHAREABLE_SOURCES_SQL)
                    .bind("keys", batchKeys)
                    .map((rs, ctx) -> rs.getString(1) + " " + rs.getDouble(2) + " " + rs.getInt(3)).list());
            String first = h.createQuery("select trust_weight from member where id = cast(:m as uuid)").bind("m", member)
                    .mapTo(Double.class).one().toString();
            assertThat(shareable.subList(0, 2)).containsExactlyInAnyOrder("sco:ipv4-addr:10.0.99996 0.25 0",
                    "sco:ipv4-addr:10.0.99996 " + first + " 1");
            assertThat(shareable.subList(2, 4)).containsExactlyInAnyOrder("sco:ipv4-addr:10.0.99998 0.25 1",
                    "sco:ipv4-addr:10.0.99998 " + first + " 1");
            assertThat(shareable.subList(4, 6)).containsExactlyInAnyOrder("sco:ipv4-addr:10.0.99999 0.25 1",
                    "sco:ipv4-addr:10.0.99999 " + first + " 1");
            assertThat(shareable).hasSize(6); // 10.0.99997: the second member's report is AMBER
            h.rollback();
            assertThat(h.createQuery("show enable_seqscan").mapTo(String.class).one()).isEqualTo("on");
        }
    }

    @Test
    void sightedObjectsFindTheirKeyThroughTheHashIndexOnObjectId() {
        try (TestCenter center = TestCenter.start(PG.database()); Handle h = PG.jdbi().open()) {
            String member = h.createQuery("select id::text from member limit 1").mapTo(String.class).one();
            h.execute("insert into corroboration_source (key, member_id, object_id, kind, tlp) "
                    + "select 'sco:ipv4-addr:10.1.' || g, '" + member + "', 'report--' || lpad(to_hex(g), 36, '0'), "
                    + "'report', 1 from generate_series(1, " + STORED + ") g");
            h.execute("analyze corroboration_source");
            assertThat(h.createQuery("select indexdef from pg_indexes where indexname = 'corroboration_source_object'")
                    .mapTo(String.class).one()).contains("USING hash (object_id)");
            String refs = "{report--" + "0".repeat(34) + "2a,report--" + "0".repeat(34) + "2b,report--none}";
            String sql = Corroboration.SIGHTED_KEYS_SQL.replace(":refs", "'" + refs + "'");
            assertThat(plan(h, sql)).contains("corroboration_source_object").doesNotContain("Seq Scan on corroboration_source");
            assertThat(h.createQuery(sql).map((rs, ctx) -> rs.getString(1) + " " + rs.getString(2)).list())
                    .containsExactlyInAnyOrder("report--" + "0".repeat(34) + "2a sco:ipv4-addr:10.1.42",
                            "report--" + "0".repeat(34) + "2b sco:ipv4-addr:10.1.43");
        }
    }

    private static String plan(Handle h, String sql) {
        return String.join("\n", h.createQuery("explain " + sql).mapTo(String.class).list());
    }
}
