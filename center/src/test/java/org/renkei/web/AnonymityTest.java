package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.center.TestCenter;
import org.renkei.http.Json;
import org.renkei.stix.Tlp;
import org.renkei.store.PostgresExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adversarial check of anonymous submission: an anonymous member submits content
 * that names it in every way STIX allows (its identity object and created_by_ref,
 * sighting refs, external references, e-mail, phone, its own addresses, its name in
 * free text and custom properties), through TAXII, REST and its default setting.
 * Then every other principal reads everything it can by every read path, and no
 * response may hold any trace of the submitter. Center analysts still see the source.
 */
class AnonymityTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    static TestCenter center;
    static TestCenter.Account secret;
    static TestCenter.Account defaultAnon;
    static final List<String> TRACES = new ArrayList<>();
    static final Map<String, String> READERS = new java.util.LinkedHashMap<>();
    static final Map<String, List<String>> STREAMED = new ConcurrentHashMap<>();
    static final List<String> SUBMITTED_IDS = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        center = TestCenter.start(PG.database());
        secret = center.member("Hidden Water Authority", MemberType.OPERATOR, Sector.WATER,
                List.of("192.0.2.0/24", "2001:db8:5::/48"));
        var other = center.member("Curious Vendor", MemberType.VENDOR, null, List.of());
        var sameSector = center.member("Neighbour Water", MemberType.OPERATOR, Sector.WATER, List.of());
        UUID group = center.group("water circle", secret.id(), sameSector.id());
        var defaultMember = center.center().members().create(new MemberInput("Quiet Gas Works", MemberType.OPERATOR,
                Sector.GAS, true, List.of("198.51.100.0/24"), List.of(), 0.5, true));
        defaultAnon = center.token(defaultMember, Role.MEMBER);

        READERS.put("public", null);
        READERS.put("other member", other.token());
        READERS.put("same-sector member", sameSector.token());
        READERS.put("sensor", center.token(other.member(), Role.SENSOR).token());
        for (var e : READERS.entrySet()) {
            STREAMED.put(e.getKey(), new CopyOnWriteArrayList<>());
            Thread.ofVirtual().start(() -> stream(e.getKey(), e.getValue()));
        }
        Thread.sleep(500);

        for (TestCenter.Account a : List.of(secret, defaultAnon)) {
            TRACES.add(a.member().name());
            TRACES.add(a.id().toString());
            TRACES.add(a.member().identityId());
        }
        TRACES.addAll(List.of("soc@hidden-water.example", "81312345678", "0312345678", "192.0.2.45", "2001:db8:5::17",
                "self-declared-identity", "198.51.100.23", "198.51.100.24"));

        String selfId = "identity--" + UUID.randomUUID();
        TRACES.add(selfId);
        // 1. TAXII, anonymous by header, into the group collection (AMBER) and community (GREEN)
        var r = center.send(center.request("/taxii2/api1/collections/group-" + group + "/objects/", secret.token())
                .header("Content-Type", TestCenter.TAXII).header("Accept", TestCenter.TAXII)
                .header("X-Renkei-Anonymous", "true")
                .POST(HttpRequest.BodyPublishers.ofString(bundle(selfId, Tlp.AMBER))).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        r = center.send(center.request("/taxii2/api1/collections/community/objects/", secret.token())
                .header("Content-Type", TestCenter.TAXII).header("Accept", TestCenter.TAXII)
                .header("X-Renkei-Anonymous", "true")
                .POST(HttpRequest.BodyPublishers.ofString(bundle(selfId, Tlp.GREEN))).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        // 2. REST, anonymous in the body, addressed to the water sector
        ObjectNode body = (ObjectNode) Json.MAPPER.readTree(bundle(selfId, Tlp.AMBER));
        body.put("anonymous", true);
        body.putObject("recipients").putArray("sectors").add("water");
        r = center.send(center.request("/api/v1/objects", secret.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        // 3. a member whose default is anonymous, no flag at all
        r = center.postTaxii("/taxii2/api1/collections/community/objects/", defaultAnon.token(),
                bundle("identity--" + UUID.randomUUID(), Tlp.GREEN).replaceAll("(?i)hidden water authority", "Quiet Gas Works")
                        .replace("192.0.2.45", "198.51.100.23").replace("2001:db8:5::17", "198.51.100.24"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        center.awaitIdle();
        Thread.sleep(800);
    }

    /** Content that names the submitter in every way we know of. */
    static String bundle(String selfId, Tlp tlp) {
        String marking = tlp.markingDefinitionId();
        ArrayNode objects = Json.MAPPER.createArrayNode();
        ObjectNode identity = objects.addObject();
        identity.put("type", "identity").put("spec_version", "2.1").put("id", selfId)
                .put("created", "2026-01-01T00:00:00.000Z").put("modified", "2026-01-01T00:00:00.000Z")
                .put("name", "Hidden Water Authority").put("identity_class", "organization")
                .put("contact_information", "soc@hidden-water.example, +81-3-1234-5678")
                .put("description", "self-declared-identity");
        identity.putArray("object_marking_refs").add(marking);
        String ind = "indicator--" + UUID.randomUUID();
        SUBMITTED_IDS.add(ind);
        ObjectNode indicator = objects.addObject();
        indicator.put("type", "indicator").put("spec_version", "2.1").put("id", ind)
                .put("created", "2026-01-01T00:00:00.000Z").put("modified", "2026-01-01T00:00:00.000Z")
                .put("created_by_ref", selfId)
                .put("name", "Scanner hitting Hidden Water Authority")
                .put("description", "Seen on our host 192.0.2.45 and 2001:db8:5::17 by HIDDEN WATER AUTHORITY's SOC "
                        + "(soc@hidden-water.example, tel. 03-1234-5678). Attacker 203.0.113.9; see CVE-2021-44228.")
                .put("pattern", "[ipv4-addr:value = '203.0.113.9']").put("pattern_type", "stix")
                .put("valid_from", "2026-01-01T00:00:00Z")
                .put("x_reporter_notes", "ask hidden water authority, phone +81 3 1234 5678");
        indicator.putArray("object_marking_refs").add(marking);
        ArrayNode refs = indicator.putArray("external_references");
        refs.addObject().put("source_name", "Hidden Water Authority internal ticket").put("external_id", "HWA-1234");
        refs.addObject().put("source_name", "cve").put("external_id", "CVE-2021-44228");
        String sightingId = "sighting--" + UUID.randomUUID();
        SUBMITTED_IDS.add(sightingId);
        ObjectNode sighting = objects.addObject();
        sighting.put("type", "sighting").put("spec_version", "2.1").put("id", sightingId)
                .put("created", "2026-01-01T00:00:00.000Z").put("modified", "2026-01-01T00:00:00.000Z")
                .put("created_by_ref", selfId).put("sighting_of_ref", ind).put("count", 3);
        sighting.putArray("where_sighted_refs").add(selfId);
        sighting.putArray("object_marking_refs").add(marking);
        String noteId = "note--" + UUID.randomUUID();
        SUBMITTED_IDS.add(noteId);
        ObjectNode note = objects.addObject();
        note.put("type", "note").put("spec_version", "2.1").put("id", noteId)
                .put("created", "2026-01-01T00:00:00.000Z").put("modified", "2026-01-01T00:00:00.000Z")
                .put("abstract", "From Hidden Water Authority")
                .put("content", "Call 03-1234-5678 or mail soc@hidden-water.example; our gateway is 192.0.2.45.");
        note.putArray("object_refs").add(ind).add(selfId);
        note.putArray("authors").add("Hidden Water Authority");
        note.putArray("object_marking_refs").add(marking);
        ObjectNode env = Json.object();
        env.set("objects", objects);
        return Json.MAPPER.writeValueAsString(env);
    }

    static void stream(String reader, String token) {
        try {
            var res = center.http().send(center.request("/api/v1/stream", token).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            res.body().forEach(line -> STREAMED.get(reader).add(line));
        } catch (Exception e) {
            // ends with the center
        }
    }

    @AfterAll
    static void stop() {
        center.close();
    }

    /** Everything a reader can fetch, by every read path, as one text. */
    static String everythingReadableBy(String token) {
        StringBuilder all = new StringBuilder();
        JsonNode cols = TestCenter.json(center.get("/taxii2/api1/collections/", token));
        for (JsonNode c : cols.get("collections")) {
            if (!c.get("can_read").asBoolean()) {
                continue;
            }
            String base = "/taxii2/api1/collections/" + c.get("id").asString();
            all.append(center.get(base + "/objects/?match[version]=all&limit=1000", token).body());
            all.append(center.get(base + "/manifest/?limit=1000", token).body());
            for (String id : SUBMITTED_IDS) {
                all.append(center.get(base + "/objects/" + id + "/", token).body());
                all.append(center.get(base + "/objects/" + id + "/versions/", token).body());
            }
        }
        all.append(center.send(center.request("/api/v1/objects?limit=1000", token).GET().build()).body());
        for (String id : SUBMITTED_IDS) {
            all.append(center.send(center.request("/api/v1/objects/" + id, token).GET().build()).body());
        }
        return all.toString();
    }

    @Test
    void noReaderFindsAnyTraceOfTheSubmitter() {
        for (var e : READERS.entrySet()) {
            String seen = everythingReadableBy(e.getValue()) + String.join("\n", STREAMED.get(e.getKey()));
            String folded = seen.toLowerCase(Locale.ROOT).replaceAll("[\\s().+-]", "");
            for (String trace : TRACES) {
                String t = trace.toLowerCase(Locale.ROOT);
                assertThat(seen.toLowerCase(Locale.ROOT)).as("%s must not see '%s'", e.getKey(), trace).doesNotContain(t);
                if (t.matches("[\\d]+")) {
                    assertThat(folded).as("%s must not see the phone number %s", e.getKey(), trace).doesNotContain(t);
                }
            }
        }
    }

    @Test
    void otherMembersStillGetTheContent() {
        String seen = everythingReadableBy(READERS.get("same-sector member"));
        assertThat(seen).contains("203.0.113.9").contains("CVE-2021-44228");
        assertThat(seen).contains(center.center().centerMember().identityId());
    }

    @Test
    void centerAnalystsSeeTheTrueSource() {
        String analyst = center.analyst().token();
        var r = center.send(center.request("/api/v1/objects/" + SUBMITTED_IDS.get(0), analyst).GET().build());
        JsonNode source = TestCenter.json(r).get("source");
        assertThat(source.get("member_id").asString()).isEqualTo(secret.id().toString());
        assertThat(source.get("anonymous").asBoolean()).isTrue();
        var asOther = center.send(center.request("/api/v1/objects/" + SUBMITTED_IDS.get(0),
                READERS.get("same-sector member")).GET().build());
        assertThat(TestCenter.json(asOther).has("source")).isFalse();
    }
}
