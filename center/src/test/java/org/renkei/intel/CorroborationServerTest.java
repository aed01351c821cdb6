package org.renkei.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.center.StixSamples.envelope;
import static org.renkei.center.StixSamples.indicator;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Sector;
import org.renkei.center.TestCenter;
import org.renkei.http.Json;
import org.renkei.stix.DeterministicId;
import org.renkei.stix.Tlp;
import org.renkei.store.PostgresExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Dedup across members on a real center: merged objects, confidence, what counts. */
class CorroborationServerTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    static TestCenter center;
    static TestCenter.Account a;
    static TestCenter.Account b;
    static TestCenter.Account c;

    @BeforeAll
    static void start() {
        center = TestCenter.start(PG.database());
        a = account("Alpha", 0.5);
        b = account("Bravo", 0.5);
        c = account("Charlie", 0.9);
    }

    static TestCenter.Account account(String name, double trust) {
        var m = center.center().members().create(new MemberInput(name, MemberType.OPERATOR, Sector.FINANCE, true,
                List.of(), List.of(), trust, false));
        return center.token(m, org.renkei.access.Role.MEMBER);
    }

    @AfterAll
    static void stop() {
        center.close();
    }

    static String mergedId(String key) {
        return "indicator--" + DeterministicId.uuidV5(Corroboration.NAMESPACE, key);
    }

    static JsonNode merged(String key, String token) {
        var r = center.get("/taxii2/api1/collections/community/objects/" + mergedId(key) + "/", token);
        return r.statusCode() == 200 ? TestCenter.json(r).get("objects").get(0) : null;
    }

    @Test
    void twoMembersReportingTheSameThingYieldOneMergedIndicator() {
        center.submit("community", a.token(), envelope(indicator("[ipv4-addr:value = '198.51.100.7']", Tlp.GREEN)));
        String key = "sco:ipv4-addr:198.51.100.7";
        assertThat(merged(key, c.token())).as("one source is not corroboration").isNull();
        ObjectNode sco = Json.object().put("type", "ipv4-addr").put("spec_version", "2.1")
                .put("id", "ipv4-addr--" + UUID.randomUUID()).put("value", "198.51.100.7");
        sco.putArray("object_marking_refs").add(Tlp.GREEN.markingDefinitionId());
        center.submit("community", b.token(), envelope(sco));
        JsonNode m = merged(key, c.token());
        assertThat(m).isNotNull();
        assertThat(m.get("confidence").asInt()).isEqualTo(75);
        assertThat(m.get("x_renkei_corroborating_members").asInt()).isEqualTo(2);
        assertThat(m.get("pattern").asString()).isEqualTo("[ipv4-addr:value = '198.51.100.7']");
        assertThat(m.get("created_by_ref").asString()).isEqualTo(center.center().centerMember().identityId());
        assertThat(m.toString()).doesNotContain(a.id().toString()).doesNotContain(b.id().toString());
        // a third, more trusted member raises confidence in a new version of the same object
        center.submit("community", c.token(), envelope(indicator("[ ipv4-addr:value='198.51.100.7' ]", Tlp.GREEN)));
        JsonNode m2 = merged(key, a.token());
        assertThat(m2.get("confidence").asInt()).isEqualTo(98);
        assertThat(m2.get("modified").asString()).isGreaterThan(m.get("modified").asString());
        var versions = TestCenter.json(center.get("/taxii2/api1/collections/community/objects/" + mergedId(key)
                + "/versions/", a.token()));
        assertThat(versions.get("versions")).hasSize(2);
    }

    @Test
    void aMemberCountsOnceHoweverOftenItReports() {
        center.submit("community", a.token(), envelope(indicator("[domain-name:value = 'once.example']", Tlp.GREEN),
                indicator("[domain-name:value = 'ONCE.example']", Tlp.GREEN)));
        assertThat(merged("sco:domain-name:once.example", b.token())).isNull();
    }

    @Test
    void restrictedReportsNeverShapeASharedObject() {
        center.submit("community", a.token(), envelope(indicator("[url:value = 'http://amber.example/x']", Tlp.GREEN)));
        center.submit("member-" + b.id(), b.token(), envelope(indicator("[url:value = 'http://amber.example/x']", Tlp.AMBER)));
        assertThat(merged("sco:url:http://amber.example/x", c.token())).isNull();
        long sources = center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select count(*) from corroboration_source where key = 'sco:url:http://amber.example/x'")
                .mapTo(Long.class).one());
        assertThat(sources).as("the AMBER report is still kept as a source").isEqualTo(2);
    }

    @Test
    void aSightingByAnotherMemberCorroborates() {
        ObjectNode ind = indicator("[domain-name:value = 'sighted.example']", Tlp.GREEN);
        center.submit("community", a.token(), envelope(ind));
        ObjectNode sighting = Json.object().put("type", "sighting").put("spec_version", "2.1")
                .put("id", "sighting--" + UUID.randomUUID()).put("created", "2026-01-01T00:00:00.000Z")
                .put("modified", "2026-01-01T00:00:00.000Z").put("sighting_of_ref", ind.get("id").asString());
        sighting.putArray("object_marking_refs").add(Tlp.GREEN.markingDefinitionId());
        center.submit("community", c.token(), envelope(sighting));
        JsonNode m = merged("sco:domain-name:sighted.example", b.token());
        assertThat(m).isNotNull();
        assertThat(m.get("confidence").asInt()).isEqualTo(95);
    }
}
