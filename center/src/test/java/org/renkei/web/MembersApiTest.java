package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.web.CenterTestServer.ADMIN_TOKEN;
import static org.renkei.web.CenterTestServer.object;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.renkei.store.PostgresExtension;
import org.renkei.web.CenterTestServer.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The members and tokens REST API (issue 2, "Members and access") against a real center
 * on the machine's PostgreSQL: the fixed contract operators script, the admin CRUD, who
 * may do what, and the answers to bad input.
 */
class MembersApiTest {
    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.external();

    static CenterTestServer server;
    static String centerId;

    @BeforeAll
    static void start() {
        server = CenterTestServer.start(pg.database());
        centerId = server.center().centerMember().id().toString();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String unique(String name) {
        return name + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ObjectNode member(String name, String type) {
        return object().put("name", name).put("type", type);
    }

    // --- the fixed contract ---

    @Test
    void createsMemberWithTheFixedContract() {
        ObjectNode body = member(unique("Example ISP"), "isp").put("sector", "information-communications");
        body.putArray("cidrs").add("192.0.2.0/24").add("2001:db8::/32");
        body.putArray("asns").add(64500).add(64501);

        Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode m = r.json();
        String id = m.get("id").asString();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/members/" + id);
        assertThat(m.get("name").asString()).isEqualTo(body.get("name").asString());
        assertThat(m.get("type").asString()).isEqualTo("isp");
        assertThat(m.get("sector").asString()).isEqualTo("information-communications");
        assertThat(m.get("cidrs").valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder("192.0.2.0/24", "2001:db8::/32");
        assertThat(m.get("asns").valueStream().map(JsonNode::asLong)).containsExactly(64500L, 64501L);
        assertThat(m.get("trust_weight").asDouble()).isBetween(0.0, 1.0);
        assertThat(m.get("identity_id").asString()).startsWith("identity--");

        Response again = server.get("/api/v1/members/" + id, ADMIN_TOKEN);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(m);
    }

    @Test
    void createsMemberWithoutSector() {
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, member(unique("Vendor"), "vendor"));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.json().has("sector")).isFalse();
        assertThat(r.json().get("cidrs").isEmpty()).isTrue();
    }

    @Test
    void acceptsEveryTypeAndSectorWireValue() {
        for (String type : List.of("center", "sector-body", "operator", "isp", "vendor", "government", "municipality",
                "research")) {
            Response r = server.post("/api/v1/members", ADMIN_TOKEN, member(unique("type " + type), type));
            assertThat(r.status()).as("%s: %s", type, r).isEqualTo(201);
            assertThat(r.json().get("type").asString()).isEqualTo(type);
        }
        for (String sector : List.of("information-communications", "finance", "aviation", "airports", "railways",
                "electric-power", "gas", "government", "medical", "water", "logistics", "chemicals", "credit",
                "petroleum", "ports")) {
            Response r = server.post("/api/v1/members", ADMIN_TOKEN,
                    member(unique("sector " + sector), "operator").put("sector", sector));
            assertThat(r.status()).as("%s: %s", sector, r).isEqualTo(201);
            assertThat(r.json().get("sector").asString()).isEqualTo(sector);
        }
    }

    @Test
    void issuesTokenWithTheFixedContract() {
        String id = server.createMember(unique("Token holder"), "operator", "water");

        Response r = server.post("/api/v1/members/" + id + "/tokens", ADMIN_TOKEN, object().put("role", "member"));

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        JsonNode t = r.json();
        assertThat(t.get("token").asString()).isNotBlank();
        assertThat(t.get("role").asString()).isEqualTo("member");
        assertThat(t.get("member_id").asString()).isEqualTo(id);
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/members/" + id + "/tokens/" + t.get("id").asString());
    }

    @Test
    void issuedTokenDefaultsToMemberRole() {
        String id = server.createMember(unique("Default role"), "operator", null);
        Response r = server.send("/api/v1/members/" + id + "/tokens", ADMIN_TOKEN, "POST", null);
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.json().get("role").asString()).isEqualTo("member");
    }

    @Test
    void tokenIsAtLeast128RandomBits() {
        String id = server.createMember(unique("Random"), "isp", null);
        String a = server.issueToken(id, "member");
        String b = server.issueToken(id, "member");

        assertThat(a).isNotEqualTo(b);
        for (String t : List.of(a, b)) {
            assertThat(t).matches("rk_[A-Za-z0-9_-]{43}");
            byte[] secret = Base64.getUrlDecoder().decode(t.substring(3));
            assertThat(secret.length * 8).isGreaterThanOrEqualTo(128);
        }
    }

    @Test
    void tokenWorksAsBearerAndAsBasicPassword() {
        String name = unique("Both schemes");
        String id = server.createMember(name, "operator", "gas");
        String token = server.issueToken(id, "member");

        Response bearer = server.get("/api/v1/me", token);
        assertThat(bearer.status()).as("%s", bearer).isEqualTo(200);
        assertThat(bearer.json().get("member_id").asString()).isEqualTo(id);
        assertThat(bearer.json().get("member_name").asString()).isEqualTo(name);
        assertThat(bearer.json().get("role").asString()).isEqualTo("member");
        assertThat(bearer.json().get("sector").asString()).isEqualTo("gas");

        for (String user : List.of("anyone", "")) {
            Response basic = server.send(server.request("/api/v1/me", null)
                    .header("Authorization", CenterTestServer.basic(user, token)).GET());
            assertThat(basic.status()).as("user '%s': %s", user, basic).isEqualTo(200);
            assertThat(basic.json().get("member_id").asString()).isEqualTo(id);
        }
    }

    @Test
    void storesOnlyHashesOfTokens() throws Exception {
        String id = server.createMember(unique("Hashed"), "operator", null);
        String token = server.issueToken(id, "sensor");
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));

        List<String> rows = pg.jdbi().withHandle(h -> h.createQuery("select t::text from api_token t")
                .mapTo(String.class).list());
        assertThat(rows).isNotEmpty().noneMatch(row -> row.contains(token) || row.contains(token.substring(3)));
        // nor the bootstrap admin token
        assertThat(rows).noneMatch(row -> row.contains(ADMIN_TOKEN));
        long matching = pg.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from api_token where member_id = :m and hash = :h")
                .bind("m", UUID.fromString(id)).bind("h", sha256).mapTo(Long.class).one());
        assertThat(matching).isEqualTo(1);
    }

    @Test
    void listsTokensWithoutTheirSecrets() {
        String id = server.createMember(unique("Listed"), "operator", null);
        String token = server.issueToken(id, "member");

        Response r = server.get("/api/v1/members/" + id + "/tokens", ADMIN_TOKEN);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body()).doesNotContain(token).doesNotContain(token.substring(3));
        assertThat(r.json().get("tokens").size()).isEqualTo(1);
        assertThat(r.json().get("tokens").get(0).get("role").asString()).isEqualTo("member");
    }

    // --- revocation and credentials ---

    @Test
    void revokedTokenIsRefusedAfterwards() {
        String id = server.createMember(unique("Revoked"), "isp", null);
        Response issued = server.post("/api/v1/members/" + id + "/tokens", ADMIN_TOKEN, object().put("role", "member"));
        String token = issued.json().get("token").asString();
        String tokenId = issued.json().get("id").asString();
        assertThat(server.get("/api/v1/me", token).status()).isEqualTo(200);

        Response revoke = server.delete("/api/v1/members/" + id + "/tokens/" + tokenId, ADMIN_TOKEN);
        assertThat(revoke.status()).as("%s", revoke).isEqualTo(204);

        Response after = server.get("/api/v1/me", token);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.headers().firstValue("WWW-Authenticate")).isPresent();
        Response basic = server.send(server.request("/api/v1/me", null)
                .header("Authorization", CenterTestServer.basic("x", token)).GET());
        assertThat(basic.status()).isEqualTo(401);
        JsonNode listed = server.get("/api/v1/members/" + id + "/tokens", ADMIN_TOKEN).json().get("tokens").get(0);
        assertThat(listed.has("revoked")).isTrue();
    }

    @Test
    void revokingAnUnknownTokenIs404() {
        String id = server.createMember(unique("No such token"), "isp", null);
        Response r = server.delete("/api/v1/members/" + id + "/tokens/" + UUID.randomUUID(), ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).contains("token");
    }

    @Test
    void wrongTokenIs401WithWwwAuthenticate() {
        for (String auth : List.of("Bearer rk_not-a-real-token-0000000000000000000000000",
                CenterTestServer.basic("user", "wrong-password"), "Basic %%%not-base64", "Digest abc")) {
            Response r = server.send(server.request("/api/v1/me", null).header("Authorization", auth).GET());
            assertThat(r.status()).as("%s: %s", auth, r).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(auth).hasValueSatisfying(v ->
                    assertThat(v).contains("Bearer").contains("Basic"));
            assertThat(r.detail()).isNotBlank();
        }
    }

    @Test
    void missingTokenIs401() {
        for (String path : List.of("/api/v1/me", "/api/v1/members", "/api/v1/groups")) {
            Response r = server.get(path, null);
            assertThat(r.status()).as("%s: %s", path, r).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
        }
    }

    // --- roles ---

    @Test
    void memberWithoutRightsGets403() {
        String id = server.createMember(unique("Plain member"), "operator", "finance");
        String token = server.issueToken(id, "member");
        String sensor = server.issueToken(id, "sensor");

        for (String t : List.of(token, sensor)) {
            assertThat(server.post("/api/v1/members", t, member(unique("Sneaky"), "isp")).status()).isEqualTo(403);
            assertThat(server.get("/api/v1/members", t).status()).isEqualTo(403);
            assertThat(server.patch("/api/v1/members/" + id, t, object().put("trust_weight", 1.0)).status()).isEqualTo(403);
            assertThat(server.delete("/api/v1/members/" + id, t).status()).isEqualTo(403);
            assertThat(server.post("/api/v1/members/" + id + "/tokens", t, object().put("role", "member")).status())
                    .isEqualTo(403);
            assertThat(server.get("/api/v1/members/" + id + "/tokens", t).status()).isEqualTo(403);
            assertThat(server.post("/api/v1/groups", t, object().put("name", unique("g"))).status()).isEqualTo(403);
        }
        Response r = server.get("/api/v1/members", token);
        assertThat(r.detail()).contains("admin");
        // the member is unchanged
        assertThat(server.get("/api/v1/members/" + id, ADMIN_TOKEN).json().get("trust_weight").asDouble()).isEqualTo(0.5);
    }

    @Test
    void memberSeesItsOwnDetailsButNotOthers() {
        String mine = server.createMember(unique("Mine"), "operator", null);
        String other = server.createMember(unique("Other"), "operator", null);
        String token = server.issueToken(mine, "member");

        assertThat(server.get("/api/v1/members/" + mine, token).status()).isEqualTo(200);
        Response r = server.get("/api/v1/members/" + other, token);
        Response absent = server.get("/api/v1/members/" + UUID.randomUUID(), token);
        assertThat(r.status()).isEqualTo(404);
        assertThat(absent.status()).isEqualTo(404);
        // same answer as for a member that does not exist, apart from the id
        assertThat(r.detail().replace(other, "ID")).isEqualTo(absent.detail().replaceAll("[0-9a-f-]{36}", "ID"));
    }

    @Test
    void analystMayListAndReadMembersButNotChangeThem() {
        String analyst = server.issueToken(centerId, "analyst");
        String id = server.createMember(unique("Watched"), "isp", null);

        assertThat(server.get("/api/v1/members", analyst).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/members/" + id, analyst).status()).isEqualTo(200);
        assertThat(server.patch("/api/v1/members/" + id, analyst, object().put("trust_weight", 0.9)).status())
                .isEqualTo(403);
        assertThat(server.post("/api/v1/members", analyst, member(unique("x"), "isp")).status()).isEqualTo(403);
    }

    @Test
    void adminAndAnalystRolesOnlyForTheCenterMember() {
        String id = server.createMember(unique("Not staff"), "government", "government");
        for (String role : List.of("admin", "analyst")) {
            Response r = server.post("/api/v1/members/" + id + "/tokens", ADMIN_TOKEN, object().put("role", role));
            assertThat(r.status()).as("%s: %s", role, r).isEqualTo(400);
            assertThat(r.detail()).contains("role").contains("center");
        }
        for (String role : List.of("admin", "analyst", "member", "sensor")) {
            Response r = server.post("/api/v1/members/" + centerId + "/tokens", ADMIN_TOKEN, object().put("role", role));
            assertThat(r.status()).as("%s: %s", role, r).isEqualTo(201);
        }
        assertThat(server.get("/api/v1/members/" + id + "/tokens", ADMIN_TOKEN).json().get("tokens").isEmpty()).isTrue();
    }

    @Test
    void changingTheTypeOfAMemberWithStaffTokensIsRefused() {
        String staff = server.createMember(unique("Second center"), "center", null);
        String admin = server.issueToken(staff, "admin");
        Response r = server.patch("/api/v1/members/" + staff, ADMIN_TOKEN, object().put("type", "operator"));
        assertThat(r.status()).as("%s", r).isIn(400, 409);
        assertThat(server.get("/api/v1/members", admin).status()).isEqualTo(200);
    }

    // --- list, get, update, delete ---

    @Test
    void listsMembersIncludingTheCenter() {
        String id = server.createMember(unique("Listed member"), "research", null);
        Response r = server.get("/api/v1/members", ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("members").valueStream().map(m -> m.get("id").asString())).contains(id, centerId);
    }

    @Test
    void patchChangesOnlyTheFieldsSent() {
        ObjectNode body = member(unique("Patched"), "operator").put("sector", "railways");
        body.putArray("cidrs").add("198.51.100.0/24");
        JsonNode created = server.post("/api/v1/members", ADMIN_TOKEN, body).json();
        String id = created.get("id").asString();

        Response r = server.patch("/api/v1/members/" + id, ADMIN_TOKEN,
                object().put("trust_weight", 0.8).put("anonymous_default", true));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.get("trust_weight").asDouble()).isEqualTo(0.8);
        assertThat(m.get("anonymous_default").asBoolean()).isTrue();
        assertThat(m.get("name")).isEqualTo(created.get("name"));
        assertThat(m.get("sector").asString()).isEqualTo("railways");
        assertThat(m.get("cidrs")).isEqualTo(created.get("cidrs"));
        assertThat(server.get("/api/v1/members/" + id, ADMIN_TOKEN).json()).isEqualTo(m);
    }

    @Test
    void putUpdatesNameRangesAndRemovesSector() {
        String id = server.createMember(unique("Put"), "operator", "medical");
        String name = unique("Put renamed");
        ObjectNode body = object().put("name", name).putNull("sector");
        body.putArray("cidrs").add("203.0.113.0/25");
        body.putArray("asns").add(65000);

        Response r = server.put("/api/v1/members/" + id, ADMIN_TOKEN, body);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().get("name").asString()).isEqualTo(name);
        assertThat(r.json().has("sector")).isFalse();
        assertThat(r.json().get("cidrs").get(0).asString()).isEqualTo("203.0.113.0/25");
        assertThat(r.json().get("asns").get(0).asLong()).isEqualTo(65000);
    }

    @Test
    void updateIsSeenByTheMembersPrincipal() {
        String id = server.createMember(unique("Moves sector"), "operator", "water");
        String token = server.issueToken(id, "member");
        assertThat(server.get("/api/v1/me", token).json().get("sector").asString()).isEqualTo("water");

        server.patch("/api/v1/members/" + id, ADMIN_TOKEN, object().put("sector", "ports"));

        assertThat(server.get("/api/v1/me", token).json().get("sector").asString()).isEqualTo("ports");
    }

    @Test
    void deletesMemberAndItsTokens() {
        String id = server.createMember(unique("Leaving"), "vendor", null);
        String token = server.issueToken(id, "member");

        Response r = server.delete("/api/v1/members/" + id, ADMIN_TOKEN);

        assertThat(r.status()).as("%s", r).isEqualTo(204);
        assertThat(server.get("/api/v1/members/" + id, ADMIN_TOKEN).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/me", token).status()).isEqualTo(401);
        assertThat(server.delete("/api/v1/members/" + id, ADMIN_TOKEN).status()).isEqualTo(404);
    }

    @Test
    void unknownMemberIs404Everywhere() {
        String nobody = UUID.randomUUID().toString();
        assertThat(server.get("/api/v1/members/" + nobody, ADMIN_TOKEN).status()).isEqualTo(404);
        assertThat(server.patch("/api/v1/members/" + nobody, ADMIN_TOKEN, object().put("trust_weight", 0.1)).status())
                .isEqualTo(404);
        assertThat(server.put("/api/v1/members/" + nobody, ADMIN_TOKEN, object().put("trust_weight", 0.1)).status())
                .isEqualTo(404);
        assertThat(server.delete("/api/v1/members/" + nobody, ADMIN_TOKEN).status()).isEqualTo(404);
        assertThat(server.post("/api/v1/members/" + nobody + "/tokens", ADMIN_TOKEN, object().put("role", "member"))
                .status()).isEqualTo(404);
        Response r = server.get("/api/v1/members/" + nobody + "/tokens", ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).contains(nobody);
    }

    @Test
    void memberIdThatIsNotAUuidIs400() {
        Response r = server.get("/api/v1/members/not-a-uuid", ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("not-a-uuid").contains("UUID");
    }

    @Test
    void theCenterItselfCannotBeRemoved() {
        Response r = server.delete("/api/v1/members/" + centerId, ADMIN_TOKEN);
        // another test may have created a second center member; then removing this one is allowed,
        // so only check there is no failure when it is the only one
        assertThat(r.status()).isIn(204, 409);
    }

    @Test
    void memberWithSubmittedObjectsCannotBeDeletedAndItsObjectsStay() throws Exception {
        String id = server.createMember(unique("Submitter"), "isp", null);
        String token = server.issueToken(id, "member");
        String objectId = "indicator--" + UUID.randomUUID();
        String now = Instant.now().toString();
        ObjectNode indicator = object().put("type", "indicator").put("spec_version", "2.1").put("id", objectId)
                .put("created", now).put("modified", now).put("name", "bad host")
                .put("pattern", "[ipv4-addr:value = '198.51.100.7']").put("pattern_type", "stix")
                .put("valid_from", now);
        indicator.putArray("object_marking_refs").add("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
        ObjectNode submission = object();
        submission.putArray("objects").add(indicator);

        Response accepted = server.post("/api/v1/objects", token, submission);
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
        String statusId = accepted.json().get("id").asString();
        JsonNode status = accepted.json();
        for (int i = 0; i < 500 && !"complete".equals(status.get("status").asString()); i++) {
            Thread.sleep(10);
            status = server.get("/api/v1/status/" + statusId, token).json();
        }
        assertThat(status.get("status").asString()).isEqualTo("complete");
        assertThat(status.get("success_count").asInt()).as("%s", status).isEqualTo(1);

        Response r = server.delete("/api/v1/members/" + id, ADMIN_TOKEN);

        assertThat(r.status()).as("%s", r).isEqualTo(409);
        assertThat(r.detail()).contains("submitted");
        assertThat(server.get("/api/v1/members/" + id, ADMIN_TOKEN).status()).isEqualTo(200);
        Response object = server.get("/api/v1/objects/" + objectId, ADMIN_TOKEN);
        assertThat(object.status()).as("%s", object).isEqualTo(200);
        assertThat(object.json().get("object").get("id").asString()).isEqualTo(objectId);
        assertThat(object.json().get("source").get("member_id").asString()).isEqualTo(id);
    }

    // --- bad input ---

    @Test
    void malformedJsonIs400ProblemNamingTheProblem() {
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, "{\"name\": \"x\", \"type\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("not valid JSON").contains("line");

        Response notObject = server.post("/api/v1/members", ADMIN_TOKEN, "[1, 2]");
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.detail()).contains("JSON object");

        Response empty = server.post("/api/v1/members", ADMIN_TOKEN, "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.detail()).contains("no body");
    }

    @Test
    void wrongTypesAre400NamingTheField() {
        Map<String, String> bodies = Map.of(
                "asns", "{\"name\":\"w1\",\"type\":\"isp\",\"asns\":\"x\"}",
                "asns ", "{\"name\":\"w2\",\"type\":\"isp\",\"asns\":[\"64500\"]}",
                "cidrs", "{\"name\":\"w3\",\"type\":\"isp\",\"cidrs\":\"10.0.0.0/8\"}",
                "cidrs ", "{\"name\":\"w4\",\"type\":\"isp\",\"cidrs\":[42]}",
                "trust_weight", "{\"name\":\"w5\",\"type\":\"isp\",\"trust_weight\":2}",
                "trust_weight ", "{\"name\":\"w6\",\"type\":\"isp\",\"trust_weight\":\"high\"}",
                "name", "{\"name\":7,\"type\":\"isp\"}",
                "anonymous_default", "{\"name\":\"w8\",\"type\":\"isp\",\"anonymous_default\":\"yes\"}",
                "type", "{\"name\":\"w9\"}",
                "colour", "{\"name\":\"w10\",\"type\":\"isp\",\"colour\":\"red\"}");
        bodies.forEach((field, body) -> {
            Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);
            assertThat(r.status()).as("%s: %s", body, r).isEqualTo(400);
            assertThat(r.detail()).as(body).contains(field.strip());
        });
        String id = server.createMember(unique("Typed"), "isp", null);
        Response r = server.patch("/api/v1/members/" + id, ADMIN_TOKEN, "{\"trust_weight\":-0.1}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("trust_weight");
    }

    @Test
    void unknownWireValuesAre400ListingTheAllowedOnes() {
        Response type = server.post("/api/v1/members", ADMIN_TOKEN, member(unique("t"), "bank"));
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.detail()).contains("bank").contains("center, sector-body, operator, isp, vendor, government, "
                + "municipality, research");

        Response sector = server.post("/api/v1/members", ADMIN_TOKEN, member(unique("s"), "operator").put("sector", "Finance"));
        assertThat(sector.status()).isEqualTo(400);
        assertThat(sector.detail()).contains("Finance").contains("information-communications, finance, aviation, "
                + "airports, railways, electric-power, gas, government, medical, water, logistics, chemicals, credit, "
                + "petroleum, ports");

        Response role = server.post("/api/v1/members/" + centerId + "/tokens", ADMIN_TOKEN, object().put("role", "root"));
        assertThat(role.status()).isEqualTo(400);
        assertThat(role.detail()).contains("root").contains("admin, analyst, member, sensor");
    }

    @Test
    void rejectsCidrWithHostBitsSuggestingTheNetwork() {
        ObjectNode v4 = member(unique("Host bits"), "isp");
        v4.putArray("cidrs").add("192.0.2.7/24");
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, v4);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("192.0.2.7/24").contains("192.0.2.0/24");

        ObjectNode v6 = member(unique("Host bits 6"), "isp");
        v6.putArray("cidrs").add("2001:db8::1/32");
        Response r6 = server.post("/api/v1/members", ADMIN_TOKEN, v6);
        assertThat(r6.status()).isEqualTo(400);
        assertThat(r6.detail()).contains("2001:db8::/32");
    }

    @Test
    void refusedRequestsChangeNothing() {
        String name = unique("Atomic");
        ObjectNode bad = member(name, "isp");
        bad.putArray("cidrs").add("192.0.2.0/24").add("192.0.2.7/24");
        assertThat(server.post("/api/v1/members", ADMIN_TOKEN, bad).status()).isEqualTo(400);
        // the refused create left no member behind: the name is still free
        ObjectNode good = member(name, "isp");
        good.putArray("cidrs").add("198.51.100.0/24");
        Response created = server.post("/api/v1/members", ADMIN_TOKEN, good);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().get("id").asString();

        ObjectNode badUpdate = object().put("name", unique("Renamed")).put("trust_weight", 0.9);
        badUpdate.putArray("cidrs").add("10.0.0.1/8");
        assertThat(server.patch("/api/v1/members/" + id, ADMIN_TOKEN, badUpdate).status()).isEqualTo(400);

        assertThat(server.get("/api/v1/members/" + id, ADMIN_TOKEN).json()).isEqualTo(created.json());
    }

    @Test
    void keepsJapaneseNamesIntact() {
        String name = "東京電力パワーグリッド株式会社 " + UUID.randomUUID().toString().substring(0, 4);
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, member(name, "operator").put("sector", "electric-power"));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(server.get("/api/v1/members/" + r.json().get("id").asString(), ADMIN_TOKEN).json().get("name")
                .asString()).isEqualTo(name);
    }

    @Test
    void rejectsTextThatIsNotAnAddressRange() {
        for (String bad : List.of("not-an-address", "10.0.0.0/33", "", "2001:db8::/129", "*")) {
            ObjectNode body = member(unique("Bad cidr"), "isp");
            body.putArray("cidrs").add(bad);
            Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);
            assertThat(r.status()).as("'%s': %s", bad, r).isEqualTo(400);
            assertThat(r.detail()).contains("cidrs");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0-255", "10.0.0.*", "fe80::1%eth0"})
    void rejectsAddressRangesThatAreNotCidrBlocks(String bad) {
        ObjectNode body = member(unique("Odd range"), "isp");
        body.putArray("cidrs").add(bad);
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);
        assertThat(r.status()).as("'%s': %s", bad, r).isEqualTo(400);
    }

    @Test
    void rejectsNonContiguousMask() {
        ObjectNode body = member(unique("Odd mask"), "isp");
        body.putArray("cidrs").add("1.2.3.4/255.0.255.0");
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
    }

    @Test
    void acceptsNetmaskNotation() {
        ObjectNode body = member(unique("Netmask"), "isp");
        body.putArray("cidrs").add("192.0.2.0/255.255.255.0");
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);
        assertThat(r.status()).as("%s", r).isIn(201, 400);
        if (r.status() == 201) {
            assertThat(r.json().get("cidrs").get(0).asString()).isEqualTo("192.0.2.0/24");
        }
    }

    @Test
    void acceptsAndNormalisesIpv6AndSingleAddresses() {
        ObjectNode body = member(unique("IPv6"), "isp");
        body.putArray("cidrs").add("2001:DB8:0:0::/48").add("2001:0db8:abcd:0000::/64").add("192.0.2.1")
                .add("2001:db8::1").add(" 198.51.100.0/24 ");
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.json().get("cidrs").valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder(
                "2001:db8::/48", "2001:db8:abcd::/64", "192.0.2.1/32", "2001:db8::1/128", "198.51.100.0/24");
    }

    @Test
    void rejectsAsnOutOfRange() {
        for (String asn : List.of("-1", "4294967296", "1.5")) {
            Response r = server.post("/api/v1/members", ADMIN_TOKEN,
                    "{\"name\":\"" + unique("asn") + "\",\"type\":\"isp\",\"asns\":[" + asn + "]}");
            assertThat(r.status()).as("%s: %s", asn, r).isEqualTo(400);
            assertThat(r.detail()).contains("asns");
        }
    }

    @Test
    void rejectsAsnTooBigForALongNamingTheField() {
        Response r = server.post("/api/v1/members", ADMIN_TOKEN,
                "{\"name\":\"" + unique("asn") + "\",\"type\":\"isp\",\"asns\":[99999999999999999999]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("asns");
    }

    @Test
    void duplicateMemberNameIs409() {
        String name = unique("Twin");
        server.createMember(name, "isp", null);

        Response same = server.post("/api/v1/members", ADMIN_TOKEN, member(name, "vendor"));
        Response otherCase = server.post("/api/v1/members", ADMIN_TOKEN, member(name.toUpperCase(), "vendor"));
        Response padded = server.post("/api/v1/members", ADMIN_TOKEN, member("  " + name + " ", "vendor"));

        for (Response r : List.of(same, otherCase, padded)) {
            assertThat(r.status()).as("%s", r).isEqualTo(409);
            assertThat(r.detail()).contains("already exists");
        }
        String other = server.createMember(unique("Not a twin"), "isp", null);
        Response rename = server.patch("/api/v1/members/" + other, ADMIN_TOKEN, object().put("name", name));
        assertThat(rename.status()).isEqualTo(409);
    }

    @Test
    void blankOrOverlongNameIs400() {
        assertThat(server.post("/api/v1/members", ADMIN_TOKEN, member("   ", "isp")).status()).isEqualTo(400);
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, member("n".repeat(201), "isp"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("name").contains("200");
    }

    @Test
    void renamingToABlankNameIs400() {
        String id = server.createMember(unique("Will be blank"), "isp", null);
        Response r = server.patch("/api/v1/members/" + id, ADMIN_TOKEN, object().put("name", "   "));
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void nulCharacterInANameIs400() {
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, member("nul\u0000name", "isp"));
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void bodyOverTheLimitIs413() {
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.detail()).contains("larger than the limit");
    }

    @Test
    void chunkedBodyOverTheLimitIs413() {
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        Response r = server.send(server.request("/api/v1/members", ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
        assertThat(r.status()).isEqualTo(413);
    }

    @Test
    void tooManyAddressRangesIs400() {
        ObjectNode body = member(unique("Huge"), "isp");
        var cidrs = body.putArray("cidrs");
        for (int i = 0; i <= 10_000; i++) {
            cidrs.add("10." + (i >> 8 & 255) + "." + (i & 255) + ".0/24");
        }
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("10000");
    }

    @Test
    void revokingAnotherMembersTokenIs404AndKeepsItWorking() {
        String owner = server.createMember(unique("Owner"), "isp", null);
        String stranger = server.createMember(unique("Stranger"), "isp", null);
        Response issued = server.post("/api/v1/members/" + owner + "/tokens", ADMIN_TOKEN, object().put("role", "member"));
        String tokenId = issued.json().get("id").asString();

        Response r = server.delete("/api/v1/members/" + stranger + "/tokens/" + tokenId, ADMIN_TOKEN);

        assertThat(r.status()).isEqualTo(404);
        assertThat(server.get("/api/v1/me", issued.json().get("token").asString()).status()).isEqualTo(200);
    }

    @Test
    void concurrentCreatesWithTheSameNameGiveOne201AndOtherwise409() throws Exception {
        String name = unique("Race");
        int n = 8;
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    var req = server.request("/api/v1/members", ADMIN_TOKEN).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    member(name, "isp").toString())).build();
                    return java.net.http.HttpClient.newHttpClient()
                            .send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            start.countDown();
        }
        List<Integer> statuses = new java.util.ArrayList<>();
        for (var f : results) {
            statuses.add(f.get());
        }
        assertThat(statuses).as("statuses").containsOnly(201, 409);
        assertThat(statuses).as("statuses").containsOnlyOnce(201);
    }

    @Test
    void deeplyNestedJsonIs400Not500() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        Response r = server.post("/api/v1/members", ADMIN_TOKEN, deep);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.detail()).contains("nesting");

        String deepObject = "{\"name\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}";
        assertThat(server.post("/api/v1/members", ADMIN_TOKEN, deepObject).status()).isEqualTo(400);
        assertThat(server.post("/api/v1/objects", ADMIN_TOKEN, "{\"objects\":" + deep + "}").status()).isEqualTo(400);
    }
}
