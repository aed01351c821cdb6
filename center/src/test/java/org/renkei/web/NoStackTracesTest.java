package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.web.CenterTestServer.ADMIN_TOKEN;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.renkei.store.PostgresExtension;
import org.renkei.web.CenterTestServer.Response;

/**
 * Bad requests of every kind get a 4xx problem+json that names the problem and never
 * leaks the implementation: no exception class names, no stack frames.
 */
class NoStackTracesTest {
    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.external();

    static CenterTestServer server;
    static String memberToken;
    static String sensorToken;

    @BeforeAll
    static void start() {
        server = CenterTestServer.start(pg.database());
        String id = server.createMember("Stack trace hunter", "operator", "medical");
        memberToken = server.issueToken(id, "member");
        sensorToken = server.issueToken(id, "sensor");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void assertClean(String what, Response r) {
        assertThat(r.status()).as("%s: %s", what, r).isBetween(400, 499);
        assertThat(r.contentType()).as(what).startsWith("application/problem+json");
        assertThat(r.body()).as(what).doesNotContain("Exception").doesNotContain("at org.").doesNotContain("at java.")
                .doesNotContain("at io.helidon").doesNotContain("tools.jackson").doesNotContain("PSQL");
        assertThat(r.detail()).as(what).isNotBlank();
    }

    @Test
    void badRequestsNeverShowStackTraces() {
        String nobody = UUID.randomUUID().toString();
        String deep = "[".repeat(10_000);
        List<Object[]> requests = new ArrayList<>(List.of(
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\": "},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\": \"x\", \"type\": \"isp\",}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "\u0000\u0001\u0002"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "null"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "\"a string\""},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, deep},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"a\":" + deep},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":\"isp\",\"asns\":\"x\"}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":\"isp\",\"asns\":[1e400]}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":\"isp\",\"asns\":[null]}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":\"isp\",\"trust_weight\":1e999}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":\"isp\",\"cidrs\":null}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":\"isp\",\"cidrs\":[\"300.1.1.1/8\"]}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":[\"isp\"]}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"n\",\"type\":\"isp\",\"sector\":{}}"},
                new Object[] {"POST", "/api/v1/members", ADMIN_TOKEN, "{\"name\":\"" + "n".repeat(5000) + "\",\"type\":\"isp\"}"},
                new Object[] {"PATCH", "/api/v1/members/" + nobody, ADMIN_TOKEN, "{}"},
                new Object[] {"PATCH", "/api/v1/members/x", ADMIN_TOKEN, "{}"},
                new Object[] {"GET", "/api/v1/members/%20", ADMIN_TOKEN, null},
                new Object[] {"GET", "/api/v1/members/" + "f".repeat(36), ADMIN_TOKEN, null},
                new Object[] {"GET", "/api/v1/members/" + nobody.toUpperCase() + "0", ADMIN_TOKEN, null},
                new Object[] {"POST", "/api/v1/members/" + nobody + "/tokens", ADMIN_TOKEN, "{\"role\":\"member\"}"},
                new Object[] {"POST", "/api/v1/members/" + nobody + "/tokens", ADMIN_TOKEN, "{\"role\":7}"},
                new Object[] {"POST", "/api/v1/members/" + nobody + "/tokens", ADMIN_TOKEN, "[]"},
                new Object[] {"DELETE", "/api/v1/members/" + nobody + "/tokens/zzz", ADMIN_TOKEN, null},
                new Object[] {"POST", "/api/v1/groups", ADMIN_TOKEN, "{\"name\":\"g\",\"members\":[{}]}"},
                new Object[] {"POST", "/api/v1/groups", ADMIN_TOKEN, "{\"name\":\"g\",\"members\":[\"" + nobody + "\"]}"},
                new Object[] {"PUT", "/api/v1/groups/" + nobody, ADMIN_TOKEN, "{\"name\":\"g\"}"},
                new Object[] {"GET", "/api/v1/members", memberToken, null},
                new Object[] {"GET", "/api/v1/members", "rk_forged", null},
                new Object[] {"GET", "/api/v1/me", null, null},
                new Object[] {"POST", "/api/v1/objects", sensorToken, "{\"objects\":[]}"},
                new Object[] {"POST", "/api/v1/objects", null, "{\"objects\":[]}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":{}}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":[],\"anonymous\":\"yes\"}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":[],\"recipients\":[]}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":[],\"recipients\":{\"members\":\"x\"}}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":[],\"recipients\":{\"members\":[\"x\"]}}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":[],\"recipients\":{\"sectors\":[\"banks\"]}}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":[],\"recipients\":{\"people\":[\"x\"]}}"},
                new Object[] {"POST", "/api/v1/objects", memberToken, "{\"objects\":" + deep},
                new Object[] {"GET", "/api/v1/objects?limit=abc", memberToken, null},
                new Object[] {"GET", "/api/v1/objects?limit=0", memberToken, null},
                new Object[] {"GET", "/api/v1/objects?limit=1001", memberToken, null},
                new Object[] {"GET", "/api/v1/objects?limit=99999999999", memberToken, null},
                new Object[] {"GET", "/api/v1/objects?added_after=yesterday", memberToken, null},
                new Object[] {"GET", "/api/v1/objects?added_after=2026-01-01T00:00:00", memberToken, null},
                new Object[] {"GET", "/api/v1/objects?added_after=2026-13-01T00:00:00Z", memberToken, null},
                new Object[] {"GET", "/api/v1/objects/indicator--" + nobody, memberToken, null},
                new Object[] {"GET", "/api/v1/status/" + nobody, memberToken, null},
                new Object[] {"GET", "/api/v1/status/not-a-status", memberToken, null},
                new Object[] {"GET", "/api/v1/stream", "rk_forged", null},
                new Object[] {"GET", "/api/v1/nothing-here", memberToken, null},
                new Object[] {"GET", "/", null, null},
                new Object[] {"DELETE", "/api/v1/me", memberToken, null}));
        for (Object[] q : requests) {
            String what = q[0] + " " + q[1] + (q[3] == null ? "" : " " + abbreviate((String) q[3]));
            Response r = q[3] == null
                    ? server.send(server.request((String) q[1], (String) q[2]).method((String) q[0],
                            HttpRequest.BodyPublishers.noBody()))
                    : server.send((String) q[1], (String) q[2], (String) q[0], q[3]);
            assertClean(what, r);
        }
    }

    @Test
    void badCredentialsNeverShowStackTraces() {
        for (String auth : List.of("Bearer", "Bearer ", "Basic", "Basic !!!", "Basic " + "QQ".repeat(5000),
                "Bearer " + "x".repeat(5000), "Negotiate abc", "bearer\ttab")) {
            Response r = server.send(server.request("/api/v1/me", null).header("Authorization", auth).GET());
            assertClean("Authorization: " + abbreviate(auth), r);
            assertThat(r.status()).isEqualTo(401);
        }
    }

    @Test
    void aWrongMethodOnARealPathIs405WithTheMethodsItTakes() {
        Response collection = server.put("/api/v1/members", ADMIN_TOKEN, CenterTestServer.object());
        assertThat(collection.status()).isEqualTo(405);
        assertThat(collection.headers().firstValue("Allow")).hasValue("GET, POST");
        assertClean("PUT /api/v1/members", collection);
        Response one = server.post("/api/v1/objects/indicator--" + java.util.UUID.randomUUID(), memberToken, CenterTestServer.object());
        assertThat(one.status()).isEqualTo(405);
        assertThat(one.headers().firstValue("Allow")).hasValue("GET");
        Response token = server.send(server.request("/api/v1/members/" + java.util.UUID.randomUUID() + "/tokens/x/",
                ADMIN_TOKEN).method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertThat(token.status()).isEqualTo(405);
        assertThat(token.headers().firstValue("Allow")).hasValue("DELETE, GET");
        assertThat(server.put("/api/v1/nowhere", ADMIN_TOKEN, CenterTestServer.object()).status()).isEqualTo(404);
        Response taxii = server.send(server.request("/taxii2/api1/collections/", memberToken)
                .header("Accept", "application/taxii+json;version=2.1")
                .method("PUT", HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(taxii.status()).isEqualTo(405);
        assertThat(taxii.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void aPropertyABodyDoesNotHaveIs400NamingIt() {
        String member = server.createMember("Typo maker", "operator", null);
        Object[][] cases = {
                {"/api/v1/members/" + member + "/tokens", ADMIN_TOKEN, "{\"role\": \"member\", \"rol\": \"admin\"}", "rol"},
                {"/api/v1/groups", ADMIN_TOKEN, "{\"name\": \"ISAC-typo\", \"memebers\": []}", "memebers"},
                {"/api/v1/objects", memberToken, "{\"objects\": [], \"recipents\": {}}", "recipents"},
                {"/api/v1/objects", memberToken, "{\"objects\": [], \"recipients\": {\"sector\": []}}", "sector"},
        };
        for (Object[] c : cases) {
            Response r = server.send((String) c[0], (String) c[1], "POST", c[2]);
            assertThat(r.status()).as("%s %s", c[0], c[2]).isEqualTo(400);
            assertThat(r.body()).as("%s", c[0]).contains((String) c[3]).contains("known are");
            assertClean((String) c[0], r);
        }
    }

    @Test
    void badLastEventIdIs400() {
        Response r = server.send(server.request("/api/v1/stream", memberToken).header("Last-Event-ID", "abc").GET());
        assertClean("Last-Event-ID: abc", r);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("Last-Event-ID");
    }

    @Test
    void cursorTooBigForALongIs400() {
        Response r = server.get("/api/v1/objects?cursor=99999999999999999999", memberToken);
        assertClean("cursor overflow", r);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /api/v1/members {\"name\":\"a\\u0000b\",\"type\":\"isp\"}",
            "POST /api/v1/groups {\"name\":\"a\\u0000b\"}",
            "POST /api/v1/groups {\"name\":\"nul description\",\"description\":\"a\\u0000b\"}",
            "POST /api/v1/members/CENTER/tokens {\"role\":\"member\",\"label\":\"a\\u0000b\"}",
            "GET /api/v1/objects?type=a%00b",
            "GET /api/v1/objects?id=a%00b",
            "GET /api/v1/objects/a%00b"})
    void nulCharactersAre400(String request) {
        String method = request.substring(0, request.indexOf(' '));
        String rest = request.substring(request.indexOf(' ') + 1).replace("CENTER",
                server.center().centerMember().id().toString());
        int space = rest.indexOf(' ');
        Response r = space < 0
                ? server.send(server.request(rest, ADMIN_TOKEN).method(method, HttpRequest.BodyPublishers.noBody()))
                : server.send(rest.substring(0, space), ADMIN_TOKEN, method, rest.substring(space + 1));
        assertClean(request, r);
    }

    /**
     * An object with a NUL in its id is refused as that object (the status lists it with the
     * reason, JSON-escaped), not as the whole request: status entries are stored as JSON text.
     */
    @Test
    void aNulInAnObjectIsThatObjectsFailure() {
        Response r = server.send("/api/v1/objects", ADMIN_TOKEN, "POST",
                "{\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--\\u0000\",\"modified\":\"bad\"}]}");
        assertThat(r.status()).as("%s", r).isEqualTo(202);
        assertThat(r.body()).contains("\"failure_count\":1").contains("indicator--\\u0000")
                .contains("is not of the form type--UUID").doesNotContain("Exception").doesNotContain("PSQL");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
