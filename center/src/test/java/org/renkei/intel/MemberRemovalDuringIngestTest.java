package org.renkei.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.center.StixSamples.envelope;
import static org.renkei.center.StixSamples.indicator;

import java.time.Duration;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.access.MemberType;
import org.renkei.access.Sector;
import org.renkei.center.TestCenter;
import org.renkei.stix.Tlp;
import org.renkei.store.PostgresExtension;
import tools.jackson.databind.JsonNode;

/**
 * stix_object.submitter has no foreign key: the ingest writer locks the submitting members' rows
 * instead. A member removed while its batch waits in the queue must leave no objects behind.
 */
class MemberRemovalDuringIngestTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    @Test
    void aMemberRemovedWhileItsBatchIsQueuedLeavesNoObjectsAndTheStatusSaysWhy() throws Exception {
        try (TestCenter center = TestCenter.start(PG.database())) {
            TestCenter.Account gone = center.member("Leaving Bank", MemberType.OPERATOR, Sector.FINANCE, java.util.List.of());
            TestCenter.Account staying = center.member("Staying Bank", MemberType.OPERATOR, Sector.FINANCE, java.util.List.of());
            String statusId;
            String stayingStatusId;
            try (Handle clock = PG.jdbi().open()) {
                // hold the clock row as a writer would: the ingest writer queues behind it
                clock.begin();
                clock.createQuery("select last_us from date_added_clock for update").mapTo(Long.class).one();
                var r = center.postTaxii("/taxii2/api1/collections/community/objects/", gone.token(), envelope(
                        indicator(UUID.randomUUID(), "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.201']", Tlp.GREEN),
                        indicator(UUID.randomUUID(), "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.202']", Tlp.GREEN)));
                assertThat(r.statusCode()).isEqualTo(202);
                statusId = TestCenter.json(r).get("id").asString();
                var s = center.postTaxii("/taxii2/api1/collections/community/objects/", staying.token(), envelope(
                        indicator(UUID.randomUUID(), "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.203']", Tlp.GREEN)));
                stayingStatusId = TestCenter.json(s).get("id").asString();
                awaitWriterBlocked();
                var deleted = center.delete("/api/v1/members/" + gone.id(), TestCenter.ADMIN_TOKEN);
                assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
                clock.rollback();
            }
            center.awaitIdle();
            long left = PG.jdbi().withHandle(h -> h.createQuery("select count(*) from stix_object where submitter = :m")
                    .bind("m", gone.id()).mapTo(Long.class).one());
            assertThat(left).isZero();
            String analyst = center.analyst().token();
            JsonNode status = TestCenter.json(center.get("/taxii2/api1/status/" + statusId + "/", analyst));
            assertThat(status.get("status").asString()).isEqualTo("complete");
            assertThat(status.get("success_count").asInt()).isZero();
            // the entries listed as pending at submit (and remembered for polls) are not successes now
            assertThat(status.get("successes")).isEmpty();
            assertThat(status.get("pendings")).isEmpty();
            assertThat(status.get("failure_count").asInt()).isEqualTo(2);
            assertThat(status.get("failures").get(0).get("message").asString()).contains("member was removed");
            // the other member's objects in the same batch are stored as usual
            JsonNode other = TestCenter.json(center.get("/taxii2/api1/status/" + stayingStatusId + "/", staying.token()));
            assertThat(other.get("success_count").asInt()).isEqualTo(1);
        }
    }

    /** Until the ingest writer waits for the clock row lock held by the test. */
    private static void awaitWriterBlocked() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            long waiting = PG.jdbi().withHandle(h -> h.createQuery("""
                    select count(*) from pg_stat_activity
                    where datname = current_database() and wait_event_type = 'Lock' and query like '%date_added_clock%'""")
                    .mapTo(Long.class).one());
            if (waiting > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the ingest writer never waited for the clock lock");
    }
}
