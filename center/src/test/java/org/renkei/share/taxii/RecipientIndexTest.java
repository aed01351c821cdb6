package org.renkei.share.taxii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.access.Member;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Principal;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.center.TestCenter;
import org.renkei.intel.Scope;
import org.renkei.store.PostgresExtension;

/**
 * The recipient GIN indexes are partial ({@code WHERE col <> '{}'}): the planner may use one only
 * when the query implies that predicate. These plans, asked of the embedded PostgreSQL the center
 * runs on, show that every collection query that reads a recipient column still can.
 */
class RecipientIndexTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.embedded();

    @Test
    void sectorGroupAndMemberCollectionsUseThePartialRecipientIndexes() {
        try (TestCenter center = TestCenter.start(PG.database())) {
            var members = center.center().members();
            Member bank = members.create(new MemberInput("Index Bank", MemberType.OPERATOR, Sector.FINANCE, true,
                    List.of(), List.of(), 0.5, false));
            UUID group = members.createGroup("Index circle", null, Set.of(bank.id())).id();
            Member c = center.center().centerMember();
            Principal staff = new Principal(c.id(), c.name(), c.type(), null, Set.of(), Role.ANALYST, null);
            TaxiiCollections collections = new TaxiiCollections(members);

            assertThat(plan(collections.find(staff, "sector-finance").orElseThrow().scope()))
                    .contains("stix_object_recipient_sectors");
            assertThat(plan(collections.find(staff, "group-" + group).orElseThrow().scope()))
                    .contains("stix_object_recipient_groups");
            assertThat(plan(collections.find(staff, "member-" + bank.id()).orElseThrow().scope()))
                    .contains("stix_object_recipient_members").contains("stix_object_submitter");
        }
    }

    @Test
    void withoutThePredicateThePartialIndexIsOfNoUse() {
        try (TestCenter ignored = TestCenter.start(PG.database())) {
            // the same containment test alone does not imply col <> '{}': the index cannot answer it
            String plan = plan(new Scope("o.recipient_sectors @> array[cast(:s as text)]", Map.of("s", "finance")));
            assertThat(plan).doesNotContain("stix_object_recipient_sectors");
        }
    }

    /** The plan of a collection page query, with sequential scans priced out so any usable index shows. */
    private static String plan(Scope scope) {
        try (Handle h = PG.jdbi().open()) {
            h.execute("set enable_seqscan = off");
            var q = h.createQuery("explain select o.id from stix_object o where (" + scope.sql()
                    + ") order by o.date_added_us limit 101");
            scope.binds().forEach(q::bind);
            return String.join("\n", q.mapTo(String.class).list());
        }
    }
}
