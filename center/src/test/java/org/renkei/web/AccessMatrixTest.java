package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.renkei.access.MemberType;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.center.StixSamples;
import org.renkei.center.TestCenter;
import org.renkei.http.Json;
import org.renkei.stix.Tlp;
import org.renkei.store.PostgresExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every read path × every TLP level × every relation between caller and submitter,
 * against a real center. The expectations are a table written by hand from TLP 2.0
 * (the same one {@code AccessPolicyTest} checks the policy against), so a read path
 * that bypassed or misapplied the policy would show here.
 *
 * <p>Each object is addressed to one named member, the gas sector and one sharing group.
 */
class AccessMatrixTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.embedded();

    static final Tlp[] LEVELS = {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED, null};
    static TestCenter center;
    static final Map<String, String> TOKENS = new LinkedHashMap<>();
    static final Map<String, boolean[]> EXPECTED = new LinkedHashMap<>();
    static final List<String> IDS = new ArrayList<>();
    static final Map<String, Set<String>> STREAMED = new ConcurrentHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        center = TestCenter.start(PG.database());
        var submitter = center.member("Submitter Bank", MemberType.OPERATOR, Sector.FINANCE, List.of());
        var named = center.member("Named ISP", MemberType.ISP, Sector.INFORMATION_COMMUNICATIONS, List.of());
        var gas = center.member("Gas Co", MemberType.OPERATOR, Sector.GAS, List.of());
        var groupie = center.member("Group Member", MemberType.VENDOR, null, List.of());
        var unrelated = center.member("Unrelated Water", MemberType.OPERATOR, Sector.WATER, List.of());
        UUID group = center.group("circle", groupie.id());
        // CLEAR is visible to every relation; the columns are GREEN, AMBER, AMBER+STRICT, RED, unmarked
        relation("public (no token)", null, false, false, false, false, false);
        relation("submitter's own organisation", center.token(submitter.member(), Role.MEMBER).token(), true, true, true, true, true);
        relation("named recipient", named.token(), true, true, true, true, true);
        relation("member of the named sector", gas.token(), true, true, false, false, true);
        relation("member of the named group", groupie.token(), true, true, true, false, true);
        relation("unrelated member", unrelated.token(), true, false, false, false, false);
        relation("sensor token of the named recipient", center.token(named.member(), Role.SENSOR).token(), false, false, false, false, false);
        relation("center analyst", center.analyst().token(), true, true, true, true, true);

        List<Thread> readers = new ArrayList<>();
        for (var e : TOKENS.entrySet()) {
            STREAMED.put(e.getKey(), ConcurrentHashMap.newKeySet());
            readers.add(Thread.ofVirtual().start(() -> stream(e.getKey(), e.getValue())));
        }
        Thread.sleep(500); // let every stream subscribe
        List<ObjectNode> objects = new ArrayList<>();
        for (Tlp t : LEVELS) {
            ObjectNode o = StixSamples.indicator("[ipv4-addr:value = '192.0.2." + (objects.size() + 1) + "']", t);
            objects.add(o);
            IDS.add(o.get("id").asString());
        }
        ObjectNode body = Json.object();
        objects.forEach(body.putArray("objects")::add);
        ObjectNode to = body.putObject("recipients");
        to.putArray("members").add(named.id().toString());
        to.putArray("sectors").add("gas");
        to.putArray("groups").add(group.toString());
        var r = center.send(center.request("/api/v1/objects", submitter.token()).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        center.awaitIdle();
        Thread.sleep(1000); // streams deliver within 100 ms; leave ample margin
    }

    static void relation(String name, String token, boolean... greenAmberStrictRedUnmarked) {
        boolean[] row = new boolean[6];
        row[0] = true;
        System.arraycopy(greenAmberStrictRedUnmarked, 0, row, 1, 5);
        TOKENS.put(name, token);
        EXPECTED.put(name, row);
    }

    static void stream(String relation, String token) {
        try {
            var res = center.http().send(center.request("/api/v1/stream", token).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            res.body().forEach(line -> {
                if (line.startsWith("data: ")) {
                    STREAMED.get(relation).add(Json.MAPPER.readTree(line.substring(6)).get("id").asString());
                }
            });
        } catch (Exception e) {
            // the stream ends when the center stops
        }
    }

    @AfterAll
    static void stop() {
        center.close();
    }

    static Stream<Arguments> relations() {
        return TOKENS.keySet().stream().map(Arguments::of);
    }

    static Set<String> expected(String relation) {
        Set<String> out = new TreeSet<>();
        boolean[] row = EXPECTED.get(relation);
        for (int i = 0; i < LEVELS.length; i++) {
            if (row[i]) {
                out.add(IDS.get(i));
            }
        }
        return out;
    }

    static List<JsonNode> readableCollections(String token) {
        List<JsonNode> out = new ArrayList<>();
        TestCenter.json(center.get("/taxii2/api1/collections/", token)).get("collections").forEach(c -> {
            if (c.get("can_read").asBoolean()) {
                out.add(c);
            }
        });
        return out;
    }

    static Set<String> idsIn(JsonNode envelope, String field) {
        Set<String> out = new TreeSet<>();
        if (envelope.has(field)) {
            envelope.get(field).forEach(o -> out.add(o.get("id").asString()));
        }
        return out;
    }

    @ParameterizedTest(name = "TAXII objects listing: {0}")
    @MethodSource("relations")
    void taxiiObjectListings(String relation) {
        Set<String> seen = new TreeSet<>();
        for (JsonNode c : readableCollections(TOKENS.get(relation))) {
            var r = center.get("/taxii2/api1/collections/" + c.get("id").asString() + "/objects/?match[id]="
                    + String.join(",", IDS), TOKENS.get(relation));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            seen.addAll(idsIn(TestCenter.json(r), "objects"));
        }
        assertThat(seen).as(relation).isEqualTo(expected(relation));
    }

    @ParameterizedTest(name = "TAXII manifest: {0}")
    @MethodSource("relations")
    void taxiiManifests(String relation) {
        Set<String> seen = new TreeSet<>();
        for (JsonNode c : readableCollections(TOKENS.get(relation))) {
            var r = center.get("/taxii2/api1/collections/" + c.get("id").asString() + "/manifest/?match[id]="
                    + String.join(",", IDS), TOKENS.get(relation));
            seen.addAll(idsIn(TestCenter.json(r), "objects"));
        }
        assertThat(seen).as(relation).isEqualTo(expected(relation));
    }

    @ParameterizedTest(name = "TAXII object and versions by id: {0}")
    @MethodSource("relations")
    void taxiiObjectAndVersionsById(String relation) {
        Set<String> byId = new TreeSet<>();
        Set<String> versions = new TreeSet<>();
        for (JsonNode c : readableCollections(TOKENS.get(relation))) {
            String base = "/taxii2/api1/collections/" + c.get("id").asString() + "/objects/";
            for (String id : IDS) {
                var r = center.get(base + id + "/", TOKENS.get(relation));
                assertThat(r.statusCode()).isIn(200, 404);
                if (r.statusCode() == 200) {
                    byId.add(id);
                }
                if (center.get(base + id + "/versions/", TOKENS.get(relation)).statusCode() == 200) {
                    versions.add(id);
                }
            }
        }
        assertThat(byId).as(relation).isEqualTo(expected(relation));
        assertThat(versions).as(relation).isEqualTo(expected(relation));
    }

    @ParameterizedTest(name = "REST search: {0}")
    @MethodSource("relations")
    void restSearch(String relation) {
        var r = center.send(center.request("/api/v1/objects?id=" + String.join("&id=", IDS), TOKENS.get(relation))
                .GET().build());
        assertThat(idsIn(TestCenter.json(r), "objects")).as(relation).isEqualTo(expected(relation));
    }

    @ParameterizedTest(name = "REST get: {0}")
    @MethodSource("relations")
    void restGet(String relation) {
        Set<String> seen = new TreeSet<>();
        for (String id : IDS) {
            var r = center.send(center.request("/api/v1/objects/" + id, TOKENS.get(relation)).GET().build());
            assertThat(r.statusCode()).isIn(200, 404);
            if (r.statusCode() == 200) {
                seen.add(id);
            }
        }
        assertThat(seen).as(relation).isEqualTo(expected(relation));
    }

    @ParameterizedTest(name = "live stream: {0}")
    @MethodSource("relations")
    void liveStream(String relation) {
        assertThat(new TreeSet<>(STREAMED.get(relation))).as(relation).isEqualTo(expected(relation));
    }

    @Test
    void redNeverAppearsInABulkCollection() {
        String red = IDS.get(4);
        for (String token : TOKENS.values()) {
            for (JsonNode c : readableCollections(token)) {
                String id = c.get("id").asString();
                if (id.startsWith("member-") || id.equals("all")) {
                    continue; // a member's own collection and the staff view are not bulk
                }
                var r = center.get("/taxii2/api1/collections/" + id + "/objects/", token);
                assertThat(r.body()).as(id).doesNotContain(red);
            }
        }
    }
}
