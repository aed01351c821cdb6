package org.renkei.share.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.center.StixSamples.envelope;
import static org.renkei.center.StixSamples.indicator;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.access.MemberType;
import org.renkei.access.Sector;
import org.renkei.center.TestCenter;
import org.renkei.http.Json;
import org.renkei.stix.Tlp;
import org.renkei.store.PostgresExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The TAXII 2.1 server over a real center and PostgreSQL. */
class TaxiiServerTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    static TestCenter center;
    static TestCenter.Account bank;
    static TestCenter.Account power;
    static final String OBJECTS = "/taxii2/api1/collections/community/objects/";

    @BeforeAll
    static void start() {
        center = TestCenter.start(PG.database(), Map.of("taxii.max-content-length", "200000",
                "taxii.max-page-size", "50"));
        bank = center.member("Bank", MemberType.OPERATOR, Sector.FINANCE, List.of("198.51.100.0/24"));
        power = center.member("Power", MemberType.OPERATOR, Sector.ELECTRIC_POWER, List.of());
    }

    @AfterAll
    static void stop() {
        center.close();
    }

    static JsonNode json(HttpResponse<String> r) {
        return TestCenter.json(r);
    }

    @Test
    void discoveryAndApiRootDescribeTheServer() {
        var d = center.get("/taxii2/", null);
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.headers().firstValue("Content-Type")).hasValue(TestCenter.TAXII);
        assertThat(json(d).get("api_roots").get(0).asString()).isEqualTo("/taxii2/api1/");
        var root = json(center.get("/taxii2/api1/", null));
        assertThat(root.get("versions").get(0).asString()).isEqualTo("application/taxii+json;version=2.1");
        assertThat(root.get("max_content_length").asLong()).isEqualTo(200000);
    }

    @Test
    void collectionsAreLaidOutByAudience() {
        Set<String> anonymous = ids(json(center.get("/taxii2/api1/collections/", null)));
        assertThat(anonymous).containsExactly("public");
        Set<String> forBank = ids(json(center.get("/taxii2/api1/collections/", bank.token())));
        assertThat(forBank).contains("public", "community", "sector-finance", "member-" + bank.id())
                .doesNotContain("all", "member-" + power.id());
        JsonNode finance = collection(bank.token(), "sector-finance");
        assertThat(finance.get("can_read").asBoolean()).isTrue();
        JsonNode gas = collection(bank.token(), "sector-gas");
        assertThat(gas.get("can_read").asBoolean()).isFalse();
        assertThat(gas.get("can_write").asBoolean()).isTrue();
        Set<String> forAnalyst = ids(json(center.get("/taxii2/api1/collections/", center.analyst().token())));
        assertThat(forAnalyst).contains("all", "member-" + bank.id(), "member-" + power.id());
    }

    static JsonNode collection(String token, String id) {
        var r = center.get("/taxii2/api1/collections/" + id + "/", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    static Set<String> ids(JsonNode collections) {
        Set<String> out = new HashSet<>();
        collections.get("collections").forEach(c -> out.add(c.get("id").asString()));
        return out;
    }

    @Test
    void anotherMembersCollectionLooksLikeNoCollection() {
        var other = center.get("/taxii2/api1/collections/member-" + power.id() + "/", bank.token());
        var none = center.get("/taxii2/api1/collections/member-" + UUID.randomUUID() + "/", bank.token());
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(json(other).get("title").asString()).isEqualTo(json(none).get("title").asString());
    }

    @Test
    void postedObjectsBecomeVisibleWithDateAddedHeaders() {
        ObjectNode ind = indicator("[ipv4-addr:value = '192.0.2.1']", Tlp.GREEN);
        JsonNode status = center.submit("community", bank.token(), envelope(ind));
        assertThat(status.get("status").asString()).isEqualTo("complete");
        assertThat(status.get("success_count").asInt()).isEqualTo(1);
        var r = center.get(OBJECTS + "?match[id]=" + ind.get("id").asString(), power.token());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("objects").get(0).get("pattern").asString()).isEqualTo("[ipv4-addr:value = '192.0.2.1']");
        assertThat(r.headers().firstValue("X-TAXII-Date-Added-First")).isPresent();
        assertThat(r.headers().firstValue("X-TAXII-Date-Added-Last")).isPresent();
    }

    @Test
    void aBundleWithBadObjectsKeepsTheGoodOnesAndReportsEachBadOne() {
        ObjectNode good = indicator("[domain-name:value = 'good.example']", Tlp.GREEN);
        ObjectNode badPattern = indicator("[domain-name:value = 'x' AND]", Tlp.GREEN);
        ObjectNode noZ = indicator("[domain-name:value = 'noz.example']", Tlp.GREEN);
        noZ.put("modified", "2026-01-01T00:00:00.000");
        ObjectNode unknownType = Json.object().put("type", "weird-thing").put("id", "weird-thing--" + UUID.randomUUID())
                .put("spec_version", "2.1").put("created", "2026-01-01T00:00:00Z").put("modified", "2026-01-01T00:00:00Z");
        ObjectNode badId = indicator("[domain-name:value = 'id.example']", Tlp.GREEN);
        badId.put("id", "indicator--not-a-uuid");
        ObjectNode amber = indicator("[domain-name:value = 'amber.example']", Tlp.AMBER);
        JsonNode st = center.submit("community", bank.token(), envelope(good, badPattern, noZ, unknownType, badId, amber));
        assertThat(st.get("total_count").asInt()).isEqualTo(6);
        assertThat(st.get("success_count").asInt()).isEqualTo(1);
        assertThat(st.get("failure_count").asInt()).isEqualTo(5);
        assertThat(st.get("status").asString()).isEqualTo("complete");
        String failures = st.get("failures").toString();
        assertThat(failures).contains("pattern").contains("modified").contains("weird-thing").contains("id")
                .contains("community collection takes only TLP:CLEAR or TLP:GREEN");
        assertThat(center.get(OBJECTS + "?match[id]=" + good.get("id").asString(), bank.token()).body())
                .contains("good.example");
    }

    @Test
    void resubmittingTheSameVersionIsIdempotentAndANewModifiedIsANewVersion() {
        UUID id = UUID.randomUUID();
        ObjectNode v1 = indicator(id, "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.9']", Tlp.GREEN);
        ObjectNode v2 = indicator(id, "2026-03-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.10']", Tlp.GREEN);
        center.submit("community", bank.token(), envelope(v1));
        center.submit("community", bank.token(), envelope(v1));
        center.submit("community", bank.token(), envelope(v2));
        String oid = "indicator--" + id;
        JsonNode versions = json(center.get(OBJECTS + oid + "/versions/", bank.token()));
        assertThat(versions.get("versions")).hasSize(2);
        assertThat(versions.get("versions").get(0).asString()).isEqualTo("2026-02-01T00:00:00.000Z");
        JsonNode last = json(center.get(OBJECTS + oid + "/", bank.token()));
        assertThat(last.get("objects")).hasSize(1);
        assertThat(last.get("objects").get(0).get("modified").asString()).isEqualTo("2026-03-01T00:00:00.000Z");
        JsonNode first = json(center.get(OBJECTS + oid + "/?match[version]=first", bank.token()));
        assertThat(first.get("objects").get(0).get("modified").asString()).isEqualTo("2026-02-01T00:00:00.000Z");
        JsonNode all = json(center.get(OBJECTS + "?match[id]=" + oid + "&match[version]=all", bank.token()));
        assertThat(all.get("objects")).hasSize(2);
        JsonNode manifest = json(center.get("/taxii2/api1/collections/community/manifest/?match[id]=" + oid, bank.token()));
        assertThat(manifest.get("objects").get(0).get("version").asString()).isEqualTo("2026-03-01T00:00:00.000Z");
        assertThat(manifest.get("objects").get(0).get("media_type").asString()).isEqualTo("application/stix+json;version=2.1");
    }

    @Test
    void anOlderVersionArrivingLateIsStoredButDoesNotBecomeTheLatest() {
        UUID id = UUID.randomUUID();
        String oid = "indicator--" + id;
        center.submit("community", bank.token(), envelope(
                indicator(id, "2026-03-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.31']", Tlp.GREEN)));
        JsonNode status = center.submit("community", bank.token(), envelope(
                indicator(id, "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.30']", Tlp.GREEN)));
        assertThat(status.get("success_count").asInt()).isEqualTo(1);
        JsonNode versions = json(center.get(OBJECTS + oid + "/versions/", bank.token()));
        assertThat(versions.get("versions")).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z");
        JsonNode last = json(center.get(OBJECTS + "?match[id]=" + oid, bank.token()));
        assertThat(last.get("objects")).hasSize(1);
        assertThat(last.get("objects").get(0).get("modified").asString()).isEqualTo("2026-03-01T00:00:00.000Z");
        // and a newer one still takes over, in the same envelope as another late one
        center.submit("community", bank.token(), envelope(
                indicator(id, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.29']", Tlp.GREEN),
                indicator(id, "2026-04-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.32']", Tlp.GREEN)));
        assertThat(latestModified(oid)).containsExactly("2026-04-01T00:00:00.000Z");
        assertThat(json(center.get(OBJECTS + oid + "/versions/", bank.token())).get("versions")).hasSize(4);
    }

    @Test
    void twoVersionsOfOneIdInOneEnvelopeAreBothStoredAndTheNewerIsTheLatest() {
        UUID id = UUID.randomUUID();
        String oid = "indicator--" + id;
        // the newer first: arrival order must not decide which is the latest
        // (and each version more than once: right after itself, and after another version)
        JsonNode status = center.submit("community", bank.token(), envelope(
                indicator(id, "2026-05-02T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.41']", Tlp.GREEN),
                indicator(id, "2026-05-02T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.41']", Tlp.GREEN),
                indicator(id, "2026-05-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.40']", Tlp.GREEN),
                indicator(id, "2026-05-02T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.41']", Tlp.GREEN),
                indicator(id, "2026-05-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.40']", Tlp.GREEN)));
        assertThat(status.get("success_count").asInt()).isEqualTo(5);
        assertThat(status.get("failure_count").asInt()).isZero();
        assertThat(json(center.get(OBJECTS + oid + "/versions/", bank.token())).get("versions")).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("2026-05-01T00:00:00.000Z", "2026-05-02T00:00:00.000Z");
        assertThat(latestModified(oid)).containsExactly("2026-05-02T00:00:00.000Z");
        // a third version of the id: the stored latest is replaced, exactly one row is the latest
        center.submit("community", bank.token(), envelope(
                indicator(id, "2026-05-03T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.42']", Tlp.GREEN)));
        assertThat(latestModified(oid)).containsExactly("2026-05-03T00:00:00.000Z");
    }

    @Test
    void anObjectDeletedAndSubmittedAgainIsStoredAgainAsTheLatest() {
        UUID id = UUID.randomUUID();
        String oid = "indicator--" + id;
        ObjectNode v1 = indicator(id, "2026-06-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.51']", Tlp.GREEN);
        ObjectNode v2 = indicator(id, "2026-06-02T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.51']", Tlp.GREEN);
        center.submit("community", bank.token(), envelope(v1, v2));
        assertThat(center.delete(OBJECTS + oid + "/", bank.token()).statusCode()).isEqualTo(200);
        assertThat(center.get(OBJECTS + oid + "/", bank.token()).statusCode()).isEqualTo(404);
        // its corroboration sources outlive it: the resubmission must not trip over them
        JsonNode status = center.submit("community", bank.token(), envelope(v1));
        assertThat(status.get("success_count").asInt()).isEqualTo(1);
        assertThat(status.get("failure_count").asInt()).isZero();
        assertThat(latestModified(oid)).containsExactly("2026-06-01T00:00:00.000Z");
        // deleting only the newest version makes the one before it the latest again
        center.submit("community", bank.token(), envelope(v2));
        assertThat(latestModified(oid)).containsExactly("2026-06-02T00:00:00.000Z");
        assertThat(center.delete(OBJECTS + oid + "/?match[version]=2026-06-02T00:00:00.000Z", bank.token()).statusCode())
                .isEqualTo(200);
        assertThat(latestModified(oid)).containsExactly("2026-06-01T00:00:00.000Z");
    }

    /** The modified of every version of the id that match[version]=last serves (exactly one, if all is well). */
    static List<String> latestModified(String oid) {
        JsonNode objects = json(center.get(OBJECTS + "?match[id]=" + oid + "&match[version]=last", bank.token())).get("objects");
        List<String> out = new ArrayList<>();
        objects.forEach(o -> out.add(o.get("modified").asString()));
        return out;
    }

    @Test
    void aRevokedObjectTakesNoNewVersion() {
        UUID id = UUID.randomUUID();
        ObjectNode revoked = indicator(id, "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.91']", Tlp.GREEN)
                .put("revoked", true);
        ObjectNode later = indicator(id, "2026-03-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.91']", Tlp.GREEN);
        ObjectNode other = indicator(UUID.randomUUID(), "2026-03-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.92']", Tlp.GREEN);
        center.submit("community", bank.token(), envelope(revoked));
        JsonNode status = center.submit("community", bank.token(), envelope(later, other));
        assertThat(status.get("success_count").asInt()).isEqualTo(1);
        assertThat(status.get("failure_count").asInt()).isEqualTo(1);
        assertThat(status.get("failures").get(0).get("id").asString()).isEqualTo("indicator--" + id);
        assertThat(status.get("failures").get(0).get("message").asString()).contains("revoked");
        assertThat(status.get("successes")).hasSize(1);
        assertThat(status.get("successes").get(0).get("id").asString()).isEqualTo(other.get("id").asString());
        JsonNode versions = json(center.get(OBJECTS + "indicator--" + id + "/versions/", bank.token()));
        assertThat(versions.get("versions")).hasSize(1);
    }

    @Test
    void anEnvelopeMixingStoredAndNewVersionsStoresTheNewOnesAndListsAllAsSuccesses() {
        ObjectNode known = indicator(UUID.randomUUID(), "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.77']", Tlp.GREEN);
        ObjectNode fresh = indicator(UUID.randomUUID(), "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.78']", Tlp.GREEN);
        center.submit("community", bank.token(), envelope(known));
        JsonNode status = center.submit("community", bank.token(), envelope(known, fresh));
        assertThat(status.get("status").asString()).isEqualTo("complete");
        assertThat(status.get("success_count").asInt()).isEqualTo(2);
        assertThat(status.get("pending_count").asInt()).isZero();
        assertThat(status.get("successes")).hasSize(2);
        assertThat(status.get("pendings")).isEmpty();
        for (ObjectNode o : List.of(known, fresh)) {
            JsonNode versions = json(center.get(OBJECTS + o.get("id").asString() + "/versions/", bank.token()));
            assertThat(versions.get("versions")).hasSize(1);
        }
    }

    @Test
    void pagingNeverSkipsOrRepeatsEvenUnderConcurrentBulkInserts() throws Exception {
        String type = "x-paging-" + UUID.randomUUID().toString().substring(0, 8);
        int writers = 4;
        int perWriter = 150;
        Set<String> expected = new HashSet<>();
        List<Future<?>> futures = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                List<ObjectNode> batch = new ArrayList<>();
                for (int i = 0; i < perWriter; i++) {
                    ObjectNode o = Json.object().put("type", type).put("id", type + "--" + UUID.randomUUID())
                            .put("spec_version", "2.1").put("created", "2026-01-01T00:00:00.000Z")
                            .put("modified", "2026-01-01T00:00:00.000Z");
                    o.putArray("object_marking_refs").add(Tlp.GREEN.markingDefinitionId());
                    batch.add(o);
                    expected.add(o.get("id").asString());
                }
                futures.add(pool.submit(() -> center.submit("community", bank.token(), envelope(batch))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        // compared as instants: as text "…595Z" sorts after "…595001Z"
        java.time.Instant lastAdded = java.time.Instant.MIN;
        int pages = 0;
        do {
            var r = center.get(OBJECTS + "?match[type]=" + type + "&limit=100" + (next == null ? "" : "&next=" + next),
                    power.token());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = json(r);
            assertThat(page.get("objects").size()).isLessThanOrEqualTo(50); // the server's max page size
            String first = r.headers().firstValue("X-TAXII-Date-Added-First").orElseThrow();
            assertThat(java.time.Instant.parse(first)).isAfter(lastAdded);
            lastAdded = java.time.Instant.parse(r.headers().firstValue("X-TAXII-Date-Added-Last").orElseThrow());
            page.get("objects").forEach(o -> seen.add(o.get("id").asString()));
            next = page.get("more").asBoolean() ? page.get("next").asString() : null;
            pages++;
        } while (next != null);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
        assertThat(pages).isGreaterThanOrEqualTo(writers * perWriter / 50);
        Long distinct = center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select count(distinct date_added_us) from stix_object where type = :t").bind("t", type)
                .mapTo(Long.class).one());
        assertThat(distinct).isEqualTo(writers * perWriter);
    }

    @Test
    void aForgedOrForeignNextIsRefused() {
        for (int i = 0; i < 3; i++) {
            center.submit("community", bank.token(), envelope(indicator("[ipv4-addr:value = '192.0.2." + i + "']", Tlp.GREEN)));
        }
        var r = center.get(OBJECTS + "?limit=1", bank.token());
        String next = json(r).get("next").asString();
        var forged = center.get(OBJECTS + "?limit=1&next=" + next.substring(0, next.length() - 2) + "AA", bank.token());
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(json(forged).get("description").asString()).contains("next");
        var otherCaller = center.get(OBJECTS + "?limit=1&next=" + next, power.token());
        assertThat(otherCaller.statusCode()).isEqualTo(400);
        var otherQuery = center.get(OBJECTS + "?limit=1&match[type]=malware&next=" + next, bank.token());
        assertThat(otherQuery.statusCode()).isEqualTo(400);
        assertThat(center.get(OBJECTS + "?limit=1&next=" + next, bank.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void badFiltersAreNamedIn400s() {
        var r = center.get(OBJECTS + "?added_after=yesterday", bank.token());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("description").asString()).contains("added_after");
        assertThat(json(r).get("http_status").asString()).isEqualTo("400");
        assertThat(center.get(OBJECTS + "?limit=0", bank.token()).statusCode()).isEqualTo(400);
        assertThat(center.get(OBJECTS + "?limit=abc", bank.token()).statusCode()).isEqualTo(400);
        assertThat(center.get(OBJECTS + "?match[version]=sometime", bank.token()).statusCode()).isEqualTo(400);
        assertThat(center.get(OBJECTS + "?added_after=2026-01-01T00:00:00", bank.token()).statusCode()).isEqualTo(400);
    }

    @Test
    void contentNegotiationAnswers406And415() {
        assertThat(center.get("/taxii2/", null, "text/html").statusCode()).isEqualTo(406);
        assertThat(center.get("/taxii2/", null, "application/taxii+json;version=2.0").statusCode()).isEqualTo(406);
        assertThat(center.get("/taxii2/", null, "application/taxii+json").statusCode()).isEqualTo(200);
        var wrongType = center.post(OBJECTS, bank.token(), "application/json", envelope(indicator("[ipv4-addr:value = '192.0.2.77']", Tlp.GREEN)));
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(json(wrongType).get("title").asString()).isNotBlank();
    }

    @Test
    void bodiesOverMaxContentLengthAre413() {
        List<ObjectNode> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(indicator("[ipv4-addr:value = '192.0.2.1']", Tlp.GREEN));
        }
        var r = center.postTaxii(OBJECTS, bank.token(), envelope(many));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).get("http_status").asString()).isEqualTo("413");
    }

    @Test
    void malformedAndHostileBodiesAre400NeverA500() {
        assertThat(center.postTaxii(OBJECTS, bank.token(), "{\"objects\": [").statusCode()).isEqualTo(400);
        assertThat(center.postTaxii(OBJECTS, bank.token(), "[]").statusCode()).isEqualTo(400);
        assertThat(center.postTaxii(OBJECTS, bank.token(), "{\"objects\": 5}").statusCode()).isEqualTo(400);
        var deep = center.postTaxii(OBJECTS, bank.token(), "{\"objects\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(deep.body()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void aBodyThatBreaksOffAfterValidObjectsIs400AndStoresNoneOfThem() throws Exception {
        // the objects are checked while the body is parsed: the ones read before the break must not be kept
        ObjectNode first = indicator("[ipv4-addr:value = '192.0.2.93']", Tlp.GREEN);
        ObjectNode second = indicator("[ipv4-addr:value = '192.0.2.94']", Tlp.GREEN);
        String body = "{\"objects\":[" + first + "," + second + ",{\"type\":\"indicator\",";
        var r = center.postTaxii(OBJECTS, bank.token(), body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("title").asString()).isNotBlank();
        center.awaitIdle();
        for (ObjectNode o : List.of(first, second)) {
            var got = center.get(OBJECTS + "?match[id]=" + o.get("id").asString(), bank.token());
            assertThat(got.statusCode() == 404 || json(got).path("objects").isEmpty()).as(got.body()).isTrue();
        }
    }

    @Test
    void credentialsAreCheckedAndRolesEnforced() {
        var wrong = center.get("/taxii2/api1/collections/community/objects/", "rk_wrong");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(center.get("/taxii2/api1/collections/community/", null).statusCode()).isEqualTo(401);
        var basic = center.send(center.request("/taxii2/api1/collections/", null).header("Accept", TestCenter.TAXII)
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString(("anyone:" + bank.token()).getBytes())).GET().build());
        assertThat(basic.statusCode()).isEqualTo(200);
        var publicWrite = center.postTaxii("/taxii2/api1/collections/public/objects/", bank.token(),
                envelope(indicator("[ipv4-addr:value = '192.0.2.1']", Tlp.CLEAR)));
        assertThat(publicWrite.statusCode()).isEqualTo(403);
        var readGas = center.get("/taxii2/api1/collections/sector-gas/objects/", bank.token());
        assertThat(readGas.statusCode()).isEqualTo(403);
    }

    @Test
    void statusIsOnlyForTheSubmitter() {
        var r = center.postTaxii(OBJECTS, bank.token(), envelope(indicator("[ipv4-addr:value = '192.0.2.5']", Tlp.GREEN)));
        String id = json(r).get("id").asString();
        center.awaitIdle();
        assertThat(center.get("/taxii2/api1/status/" + id + "/", bank.token()).statusCode()).isEqualTo(200);
        assertThat(center.get("/taxii2/api1/status/" + id + "/", power.token()).statusCode()).isEqualTo(404);
        assertThat(center.get("/taxii2/api1/status/" + UUID.randomUUID() + "/", bank.token()).statusCode()).isEqualTo(404);
    }

    @Test
    void onlyTheSubmitterDeletesAndDeletionRemovesEveryVersion() {
        UUID id = UUID.randomUUID();
        center.submit("community", bank.token(), envelope(
                indicator(id, "2026-02-01T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.60']", Tlp.GREEN),
                indicator(id, "2026-02-02T00:00:00.000Z", "[ipv4-addr:value = '192.0.2.61']", Tlp.GREEN)));
        String path = OBJECTS + "indicator--" + id + "/";
        assertThat(center.delete(path, power.token()).statusCode()).isEqualTo(403);
        assertThat(center.delete(path, bank.token()).statusCode()).isEqualTo(200);
        assertThat(center.get(path, bank.token()).statusCode()).isEqualTo(404);
        assertThat(center.get(path + "versions/", bank.token()).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownEndpointsAndMethodsAnswerWithTaxiiErrors() {
        var r = center.get("/taxii2/api1/nowhere/", bank.token());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).has("title")).isTrue();
        var m = center.send(center.request("/taxii2/api1/collections/", bank.token()).header("Accept", TestCenter.TAXII)
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(m.statusCode()).isEqualTo(405);
    }

    @Test
    void repeatedPollsNeverServeStaleOrForeignPages() {
        String type = "x-cache-" + UUID.randomUUID().toString().substring(0, 8);
        String q = OBJECTS + "?match[type]=" + type;
        ObjectNode first = Json.object().put("type", type).put("id", type + "--" + UUID.randomUUID())
                .put("spec_version", "2.1").put("created", "2026-01-01T00:00:00.000Z").put("modified", "2026-01-01T00:00:00.000Z");
        first.putArray("object_marking_refs").add(Tlp.GREEN.markingDefinitionId());
        center.submit("community", bank.token(), envelope(first));
        assertThat(json(center.get(q, bank.token())).get("objects")).hasSize(1);
        assertThat(json(center.get(q, bank.token())).get("objects")).hasSize(1); // served from the cache
        // a new object makes the cached page stale
        ObjectNode second = first.deepCopy().put("id", type + "--" + UUID.randomUUID());
        center.submit("community", bank.token(), envelope(second));
        assertThat(json(center.get(q, bank.token())).get("objects")).hasSize(2);
        // a delete does too
        assertThat(center.delete(OBJECTS + first.get("id").asString() + "/", bank.token()).statusCode()).isEqualTo(200);
        assertThat(json(center.get(q, bank.token())).get("objects")).hasSize(1);
        // another caller never gets this caller's page
        assertThat(center.get(q, null).statusCode()).isEqualTo(401);
        var r = center.get("/taxii2/api1/collections/public/objects/?match[type]=" + type, null);
        assertThat(json(r).get("objects")).isEmpty();
    }

    @Test
    void aPageCachedByOneProcessFollowsWritesMadeThroughAnother() throws Exception {
        try (TestCenter second = TestCenter.start(PG.database())) {
            String type = "x-scale-" + UUID.randomUUID().toString().substring(0, 8);
            String q = OBJECTS + "?match[type]=" + type;
            ObjectNode first = Json.object().put("type", type).put("id", type + "--" + UUID.randomUUID())
                    .put("spec_version", "2.1").put("created", "2026-01-01T00:00:00.000Z")
                    .put("modified", "2026-01-01T00:00:00.000Z");
            first.putArray("object_marking_refs").add(Tlp.GREEN.markingDefinitionId());
            center.submit("community", bank.token(), envelope(first));
            assertThat(json(second.get(q, bank.token())).get("objects")).hasSize(1);
            assertThat(json(second.get(q, bank.token())).get("objects")).hasSize(1); // now cached in the second
            center.submit("community", bank.token(), envelope(first.deepCopy().put("id", type + "--" + UUID.randomUUID())));
            long deadline = System.nanoTime() + 5_000_000_000L;
            int seen;
            while ((seen = json(second.get(q, bank.token())).get("objects").size()) != 2 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(seen).as("the second process saw the first's write (by its notification)").isEqualTo(2);
        }
    }

    @Test
    void pagesComeGzippedToClientsThatAskAndTheSameOtherwise() throws Exception {
        String q = OBJECTS + "?match[type]=indicator&limit=5";
        var plain = center.send(center.request(q, bank.token()).header("Accept", TestCenter.TAXII).GET().build());
        var zipped = center.send(center.request(q, bank.token()).header("Accept", TestCenter.TAXII)
                .header("Accept-Encoding", "br;q=1, gzip;q=0.8").GET().build());
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(zipped.headers().firstValue("X-TAXII-Date-Added-First"))
                .isEqualTo(plain.headers().firstValue("X-TAXII-Date-Added-First"));
        var raw = center.http().send(center.request(q, bank.token()).header("Accept", TestCenter.TAXII)
                .header("Accept-Encoding", "gzip").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        String unzipped;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw.body()))) {
            unzipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(unzipped).isEqualTo(plain.body());
        assertThat(raw.body().length).isLessThan(plain.body().length());
    }

    @Test
    void aPageMuchLargerThanTheSocketBuffersArrivesWholeAsSentAndGzipped() throws Exception {
        // over 300 KB of JSON: many times the server's write buffers and the loopback socket buffers, so the
        // server must write it in pieces as the client drains them (this once went out 8 KB per call)
        String type = "x-big-" + UUID.randomUUID().toString().substring(0, 8);
        String filler = "x".repeat(8000);
        ObjectNode[] objects = new ObjectNode[50];
        for (int i = 0; i < objects.length; i++) {
            objects[i] = Json.object().put("type", type).put("id", type + "--" + UUID.randomUUID())
                    .put("spec_version", "2.1").put("created", "2026-01-01T00:00:00.000Z")
                    .put("modified", "2026-01-01T00:00:00.000Z").put("x_filler", i + filler);
            objects[i].putArray("object_marking_refs").add(Tlp.GREEN.markingDefinitionId());
        }
        for (int i = 0; i < objects.length; i += 10) { // the tests' request limit is 200,000 bytes
            JsonNode st = center.submit("community", bank.token(), envelope(java.util.Arrays.copyOfRange(objects, i, i + 10)));
            assertThat(st.get("success_count").asInt()).as(st.toString()).isEqualTo(10);
        }
        String q = OBJECTS + "?match[type]=" + type + "&limit=50";
        for (int round = 0; round < 2; round++) { // rendered, then from the page cache
            var plain = center.http().send(center.request(q, bank.token()).header("Accept", TestCenter.TAXII)
                    .header("Accept-Encoding", "identity").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.body().length).isGreaterThan(300_000);
            assertThat(plain.headers().firstValueAsLong("Content-Length")).hasValue(plain.body().length);
            JsonNode page = Json.MAPPER.readTree(plain.body());
            assertThat(page.get("objects")).hasSize(50);
            for (int i = 0; i < 50; i++) {
                assertThat(page.get("objects").get(i).get("x_filler").asString()).isEqualTo(i + filler);
            }
            var zipped = center.http().send(center.request(q, bank.token()).header("Accept", TestCenter.TAXII)
                    .header("Accept-Encoding", "gzip").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
                assertThat(in.readAllBytes()).isEqualTo(plain.body());
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "gzip|true", "GZIP;q=0.5|true", "gzip;q=0|false", "identity|false", "*|true", "gzip;q=0, *|false",
            "deflate, x-gzip|true", "gzip;q=abc|false", "''|false"})
    void acceptEncodingIsReadAsRfc9110Says(String header, boolean gzip) {
        assertThat(TaxiiApi.acceptsGzip(header)).isEqualTo(gzip);
    }
}
