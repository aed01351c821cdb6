package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.web.CenterTestServer.ADMIN_TOKEN;
import static org.renkei.web.CenterTestServer.object;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.store.PostgresExtension;
import org.renkei.web.CenterTestServer.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The objects part of the REST API on the embedded PostgreSQL: submit with recipients
 * and anonymity, status, get, search with paging, the live stream. Objects here carry
 * no TLP marking, so they are AMBER: the submitter's organisation, named recipients
 * and center staff see them, nobody else.
 */
class ObjectsApiTest {
    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.embedded();

    static CenterTestServer server;

    @BeforeAll
    static void start() {
        server = CenterTestServer.start(pg.database());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Party(String id, String token) {
    }

    private static Party party(String name) {
        String id = server.createMember(name + " " + UUID.randomUUID().toString().substring(0, 8), "operator", "water");
        return new Party(id, server.issueToken(id, "member"));
    }

    private static ObjectNode indicator(String ip) {
        String now = Instant.now().toString();
        return object().put("type", "indicator").put("spec_version", "2.1").put("id", "indicator--" + UUID.randomUUID())
                .put("created", now).put("modified", now).put("name", "bad host " + ip)
                .put("pattern", "[ipv4-addr:value = '" + ip + "']").put("pattern_type", "stix").put("valid_from", now);
    }

    /** Submits and waits for the status to be complete; returns it. */
    private static JsonNode submit(String token, ObjectNode submission) throws InterruptedException {
        Response r = server.post("/api/v1/objects", token, submission);
        assertThat(r.status()).as("%s", r).isEqualTo(202);
        JsonNode st = r.json();
        for (int i = 0; i < 1000 && !"complete".equals(st.get("status").asString()); i++) {
            Thread.sleep(5);
            st = server.get("/api/v1/status/" + st.get("id").asString(), token).json();
        }
        assertThat(st.get("status").asString()).isEqualTo("complete");
        return st;
    }

    private static ObjectNode submission(ObjectNode... objects) {
        ObjectNode s = object();
        var list = s.putArray("objects");
        for (ObjectNode o : objects) {
            list.add(o);
        }
        return s;
    }

    @Test
    void submitAnswers202WithAStatusThatCompletes() throws Exception {
        Party p = party("Submitter");
        ObjectNode o = indicator("198.51.100.1");

        JsonNode st = submit(p.token(), submission(o));

        assertThat(st.get("total_count").asInt()).isEqualTo(1);
        assertThat(st.get("success_count").asInt()).isEqualTo(1);
        assertThat(st.get("successes").get(0).get("id").asString()).isEqualTo(o.get("id").asString());
        assertThat(st.get("failure_count").asInt()).isZero();
        assertThat(st.get("pending_count").asInt()).isZero();
    }

    @Test
    void badObjectsAreReportedOneByOneAndGoodOnesAccepted() throws Exception {
        Party p = party("Mixed");
        ObjectNode good = indicator("198.51.100.2");
        ObjectNode noZ = indicator("198.51.100.3").put("modified", "2026-01-01T00:00:00");
        ObjectNode s = submission(good, noZ);
        ((tools.jackson.databind.node.ArrayNode) s.get("objects")).add(42);

        JsonNode st = submit(p.token(), s);

        assertThat(st.get("total_count").asInt()).isEqualTo(3);
        assertThat(st.get("success_count").asInt()).isEqualTo(1);
        assertThat(st.get("failure_count").asInt()).isEqualTo(2);
        assertThat(st.get("failures").toString()).contains("modified").contains("JSON object");
        assertThat(server.get("/api/v1/objects/" + good.get("id").asString(), p.token()).status()).isEqualTo(200);
    }

    @Test
    void statusIsOnlyForTheSubmitterAndStaff() throws Exception {
        Party p = party("Status owner");
        Party other = party("Status snoop");
        String id = submit(p.token(), submission(indicator("198.51.100.4"))).get("id").asString();

        assertThat(server.get("/api/v1/status/" + id, p.token()).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/status/" + id, ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/status/" + id, other.token()).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/status/" + id, null).status()).isEqualTo(401);
    }

    @Test
    void amberObjectReachesOnlySubmitterRecipientsAndStaff() throws Exception {
        Party p = party("Amber submitter");
        Party named = party("Amber recipient");
        Party outsider = party("Amber outsider");
        ObjectNode o = indicator("198.51.100.5");
        ObjectNode s = submission(o);
        s.putObject("recipients").putArray("members").add(named.id());
        submit(p.token(), s);
        String path = "/api/v1/objects/" + o.get("id").asString();

        Response own = server.get(path, p.token());
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("tlp").asString()).isEqualTo("amber");
        assertThat(own.json().get("source").get("member_id").asString()).isEqualTo(p.id());
        assertThat(server.get(path, named.token()).status()).isEqualTo(200);
        assertThat(server.get(path, ADMIN_TOKEN).json().get("source").get("member_id").asString()).isEqualTo(p.id());

        Response hidden = server.get(path, outsider.token());
        Response absent = server.get("/api/v1/objects/indicator--" + UUID.randomUUID(), outsider.token());
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(absent.status()).isEqualTo(404);
        assertThat(server.get(path, null).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/objects?id=" + o.get("id").asString(), outsider.token()).json().get("objects")
                .isEmpty()).isTrue();
        assertThat(server.get("/api/v1/objects?id=" + o.get("id").asString(), null).json().get("objects").isEmpty())
                .isTrue();
        assertThat(server.get("/api/v1/objects?id=" + o.get("id").asString(), named.token()).json().get("objects")
                .size()).isEqualTo(1);
    }

    @Test
    void anonymousSubmissionHidesTheSubmitterFromRecipients() throws Exception {
        Party p = party("Anonymous submitter");
        Party named = party("Anonymous recipient");
        ObjectNode o = indicator("198.51.100.6").put("created_by_ref", "identity--" + p.id());
        ObjectNode s = submission(o).put("anonymous", true);
        s.putObject("recipients").putArray("members").add(named.id());
        submit(p.token(), s);

        Response seen = server.get("/api/v1/objects/" + o.get("id").asString(), named.token());

        assertThat(seen.status()).as("%s", seen).isEqualTo(200);
        assertThat(seen.json().has("source")).isFalse();
        assertThat(seen.body()).doesNotContain(p.id());
        Response staff = server.get("/api/v1/objects/" + o.get("id").asString(), ADMIN_TOKEN);
        assertThat(staff.json().get("source").get("member_id").asString()).isEqualTo(p.id());
        assertThat(staff.json().get("source").get("anonymous").asBoolean()).isTrue();
    }

    @Test
    void searchPagesWithCursorWithoutGapsOrRepeats() throws Exception {
        Party p = party("Pager");
        List<String> ids = new ArrayList<>();
        ObjectNode[] objects = new ObjectNode[5];
        for (int i = 0; i < objects.length; i++) {
            objects[i] = indicator("203.0.113." + i);
            ids.add(objects[i].get("id").asString());
        }
        submit(p.token(), submission(objects));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            Response r = server.get("/api/v1/objects?type=indicator&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    p.token());
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            r.json().get("objects").forEach(o -> seen.add(o.get("id").asString()));
            if (!r.json().get("more").asBoolean()) {
                assertThat(r.json().has("cursor")).isFalse();
                break;
            }
            cursor = r.json().get("cursor").asString();
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(server.get("/api/v1/objects?type=malware", p.token()).json().get("objects").isEmpty()).isTrue();
        assertThat(server.get("/api/v1/objects?added_after=2000-01-01T00:00:00Z&type=malware,indicator", p.token())
                .json().get("objects").size()).isEqualTo(5);
    }

    @Test
    void sensorCannotSubmitAndPublicMustAuthenticate() {
        String id = server.createMember("Sensor owner " + UUID.randomUUID(), "isp", null);
        String sensor = server.issueToken(id, "sensor");
        Response r = server.post("/api/v1/objects", sensor, submission(indicator("192.0.2.9")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).contains("sensor");
        assertThat(server.post("/api/v1/objects", null, submission(indicator("192.0.2.9"))).status()).isEqualTo(401);
    }

    @Test
    void streamDeliversVisibleObjectsAndResumesWithLastEventId() throws Exception {
        Party p = party("Streamer");
        Party outsider = party("Stream outsider");
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = client.send(server.request("/api/v1/stream?types=indicator", p.token()).GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo(": connected");

        submit(outsider.token(), submission(indicator("192.0.2.10")));   // AMBER of another member: not for p
        ObjectNode mine = indicator("192.0.2.11");
        submit(p.token(), submission(mine));

        List<String> event = CompletableFuture.supplyAsync(() -> readEvent(in)).get(10, TimeUnit.SECONDS);
        in.close();
        assertThat(event).contains("event: stix-object");
        String id = event.stream().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow().substring(4);
        String data = event.stream().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6);
        assertThat(CenterTestServer.JSON.readTree(data).get("id").asString()).isEqualTo(mine.get("id").asString());

        HttpResponse<InputStream> resumed = client.send(server.request("/api/v1/stream", p.token())
                .header("Last-Event-ID", String.valueOf(Long.parseLong(id) - 1)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader again = new BufferedReader(new InputStreamReader(resumed.body(), StandardCharsets.UTF_8));
        assertThat(again.readLine()).isEqualTo(": connected");
        List<String> replayed = CompletableFuture.supplyAsync(() -> readEvent(again)).get(10, TimeUnit.SECONDS);
        again.close();
        assertThat(replayed).contains("id: " + id);
    }

    @Test
    void objectWithNulCharacterInItsTextIsStoredOrRefusedNeverLost() throws Exception {
        Party p = party("Nul text");
        ObjectNode o = indicator("192.0.2.12").put("description", "before\u0000after");

        JsonNode st = submit(p.token(), submission(o));

        assertThat(st.get("success_count").asInt() + st.get("failure_count").asInt()).as("%s", st).isEqualTo(1);
        Response got = server.get("/api/v1/objects/" + o.get("id").asString(), p.token());
        assertThat(got.status()).as("%s", got).isEqualTo(st.get("success_count").asInt() == 1 ? 200 : 404);
    }

    @Test
    void revokedTokenStopsReceivingTheStream() throws Exception {
        Party p = party("Revoked streamer");
        Response issued = server.post("/api/v1/members/" + p.id() + "/tokens", ADMIN_TOKEN, object().put("role", "member"));
        String token = issued.json().get("token").asString();
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(server.request("/api/v1/stream", token).GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo(": connected");

        server.delete("/api/v1/members/" + p.id() + "/tokens/" + issued.json().get("id").asString(), ADMIN_TOKEN);
        submit(p.token(), submission(indicator("192.0.2.14")));

        var event = CompletableFuture.supplyAsync(() -> readEvent(in));
        try {
            List<String> lines = event.get(3, TimeUnit.SECONDS);
            assertThat(lines).as("events after revocation").noneMatch(l -> l.startsWith("data: "));
        } catch (java.util.concurrent.TimeoutException expected) {
            // nothing delivered: as it should be
        } finally {
            in.close();
        }
    }

    /** The lines of the next event (skipping comments), up to its blank line. */
    private static List<String> readEvent(BufferedReader in) {
        try {
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (!lines.isEmpty()) {
                        return lines;
                    }
                } else if (!line.startsWith(":")) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
