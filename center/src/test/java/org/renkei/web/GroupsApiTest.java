package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.web.CenterTestServer.ADMIN_TOKEN;
import static org.renkei.web.CenterTestServer.object;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.store.PostgresExtension;
import org.renkei.web.CenterTestServer.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sharing groups over REST, on the embedded PostgreSQL: admin CRUD, who may read
 * them, and that membership reaches the member's principal at once.
 */
class GroupsApiTest {
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

    private static String unique(String name) {
        return name + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ObjectNode group(String name, String... members) {
        ObjectNode g = object().put("name", name);
        var list = g.putArray("members");
        for (String m : members) {
            list.add(m);
        }
        return g;
    }

    private static List<String> groupsOf(String token) {
        Response me = server.get("/api/v1/me", token);
        assertThat(me.status()).as("%s", me).isEqualTo(200);
        return me.json().get("groups").valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void createsGroupWithMembers() {
        String a = server.createMember(unique("ISAC member A"), "operator", "finance");
        String b = server.createMember(unique("ISAC member B"), "operator", "finance");
        String name = unique("Finance ISAC");

        Response r = server.post("/api/v1/groups", ADMIN_TOKEN, group(name, a, b).put("description", "banks"));

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        JsonNode g = r.json();
        String id = g.get("id").asString();
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/groups/" + id);
        assertThat(g.get("name").asString()).isEqualTo(name);
        assertThat(g.get("description").asString()).isEqualTo("banks");
        assertThat(g.get("members").valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder(a, b);
        assertThat(server.get("/api/v1/groups/" + id, ADMIN_TOKEN).json()).isEqualTo(g);
        assertThat(server.get("/api/v1/groups", ADMIN_TOKEN).json().get("groups").valueStream()
                .map(x -> x.get("id").asString())).contains(id);
    }

    @Test
    void addingAGroupMemberChangesWhatThatMemberSees() {
        String m = server.createMember(unique("Joiner"), "isp", null);
        String token = server.issueToken(m, "member");
        String other = server.createMember(unique("Already in"), "isp", null);
        String id = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Circle"), other)).json().get("id").asString();
        assertThat(groupsOf(token)).doesNotContain(id);
        assertThat(server.get("/api/v1/groups/" + id, token).status()).isEqualTo(404);

        Response add = server.patch("/api/v1/groups/" + id, ADMIN_TOKEN, group(null, other, m).without("name"));
        assertThat(add.status()).as("%s", add).isEqualTo(200);

        assertThat(groupsOf(token)).containsExactly(id);
        assertThat(server.get("/api/v1/groups/" + id, token).status()).isEqualTo(200);

        server.put("/api/v1/groups/" + id, ADMIN_TOKEN, group(null, other).without("name"));
        assertThat(groupsOf(token)).doesNotContain(id);
        assertThat(server.get("/api/v1/groups/" + id, token).status()).isEqualTo(404);
    }

    @Test
    void deletingAGroupRemovesItFromItsMembers() {
        String m = server.createMember(unique("Member of doomed"), "isp", null);
        String token = server.issueToken(m, "member");
        String id = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Doomed"), m)).json().get("id").asString();
        assertThat(groupsOf(token)).containsExactly(id);

        Response r = server.delete("/api/v1/groups/" + id, ADMIN_TOKEN);

        assertThat(r.status()).as("%s", r).isEqualTo(204);
        assertThat(groupsOf(token)).isEmpty();
        assertThat(server.get("/api/v1/groups/" + id, ADMIN_TOKEN).status()).isEqualTo(404);
        assertThat(server.delete("/api/v1/groups/" + id, ADMIN_TOKEN).status()).isEqualTo(404);
    }

    @Test
    void deletingAMemberRemovesItFromItsGroups() {
        String m = server.createMember(unique("Short-lived"), "isp", null);
        String id = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Keeps going"), m)).json().get("id").asString();

        assertThat(server.delete("/api/v1/members/" + m, ADMIN_TOKEN).status()).isEqualTo(204);

        assertThat(server.get("/api/v1/groups/" + id, ADMIN_TOKEN).json().get("members").isEmpty()).isTrue();
    }

    @Test
    void updatesNameAndDescription() {
        String id = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Old name"))).json().get("id").asString();
        String name = unique("New name");

        Response r = server.patch("/api/v1/groups/" + id, ADMIN_TOKEN, object().put("name", name).put("description", "d"));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().get("name").asString()).isEqualTo(name);
        assertThat(r.json().get("description").asString()).isEqualTo("d");
    }

    @Test
    void onlyAdministratorsManageGroupsAndStaffList() {
        String m = server.createMember(unique("Outsider"), "isp", null);
        String token = server.issueToken(m, "member");
        String analyst = server.issueToken(server.center().centerMember().id().toString(), "analyst");
        String id = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Guarded"))).json().get("id").asString();

        for (String t : List.of(token, analyst)) {
            assertThat(server.post("/api/v1/groups", t, group(unique("mine"))).status()).isEqualTo(403);
            assertThat(server.patch("/api/v1/groups/" + id, t, object().put("description", "x")).status()).isEqualTo(403);
            assertThat(server.put("/api/v1/groups/" + id, t, object().put("description", "x")).status()).isEqualTo(403);
            assertThat(server.delete("/api/v1/groups/" + id, t).status()).isEqualTo(403);
        }
        assertThat(server.get("/api/v1/groups", token).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/groups", analyst).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/groups/" + id, analyst).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/groups/" + id, null).status()).isEqualTo(401);
    }

    @Test
    void unknownGroupIs404() {
        String nobody = UUID.randomUUID().toString();
        assertThat(server.get("/api/v1/groups/" + nobody, ADMIN_TOKEN).status()).isEqualTo(404);
        assertThat(server.patch("/api/v1/groups/" + nobody, ADMIN_TOKEN, object().put("description", "x")).status())
                .isEqualTo(404);
        Response r = server.delete("/api/v1/groups/" + nobody, ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).contains(nobody);
    }

    @Test
    void badGroupInputIs400() {
        assertThat(server.post("/api/v1/groups", ADMIN_TOKEN, object().put("description", "no name")).status())
                .isEqualTo(400);
        Response unknown = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Ghosts"), UUID.randomUUID().toString()));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.detail()).contains("members").contains("no member");
        Response notUuid = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Bad ids"), "bob"));
        assertThat(notUuid.status()).isEqualTo(400);
        assertThat(notUuid.detail()).contains("bob").contains("UUID");
        Response notList = server.post("/api/v1/groups", ADMIN_TOKEN, object().put("name", unique("x")).put("members", "a"));
        assertThat(notList.status()).isEqualTo(400);
        assertThat(notList.detail()).contains("members");
        Response notString = server.post("/api/v1/groups", ADMIN_TOKEN, object().put("name", 5));
        assertThat(notString.status()).isEqualTo(400);
        assertThat(notString.detail()).contains("name");
        assertThat(server.post("/api/v1/groups", ADMIN_TOKEN, "{\"name\":").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/groups/not-a-uuid", ADMIN_TOKEN).status()).isEqualTo(400);
        // nothing was created by the refused requests
        assertThat(server.get("/api/v1/groups", ADMIN_TOKEN).json().get("groups").valueStream()
                .map(g -> g.get("name").asString())).noneMatch(n -> n.startsWith("Ghosts") || n.startsWith("Bad ids"));
    }

    @Test
    void duplicateGroupNameIs409() {
        String name = unique("Twin group");
        assertThat(server.post("/api/v1/groups", ADMIN_TOKEN, group(name)).status()).isEqualTo(201);

        for (String again : List.of(name, name.toUpperCase())) {
            Response r = server.post("/api/v1/groups", ADMIN_TOKEN, group(again));
            assertThat(r.status()).as("%s", r).isEqualTo(409);
            assertThat(r.detail()).contains("already exists");
        }
    }

    @Test
    void duplicateGroupNameWithSpacesIs409() {
        String name = unique("Padded twin");
        assertThat(server.post("/api/v1/groups", ADMIN_TOKEN, group(name)).status()).isEqualTo(201);
        Response r = server.post("/api/v1/groups", ADMIN_TOKEN, group(" " + name + " "));
        assertThat(r.status()).as("%s", r).isEqualTo(409);
    }

    @Test
    void renamingAGroupToAnExistingNameIs409() {
        String taken = unique("Taken");
        server.post("/api/v1/groups", ADMIN_TOKEN, group(taken));
        String id = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Renamed"))).json().get("id").asString();
        Response r = server.patch("/api/v1/groups/" + id, ADMIN_TOKEN, object().put("name", taken));
        assertThat(r.status()).as("%s", r).isEqualTo(409);
    }

    @Test
    void renamingAGroupToABlankNameIs400() {
        String id = server.post("/api/v1/groups", ADMIN_TOKEN, group(unique("Soon blank"))).json().get("id").asString();
        Response r = server.patch("/api/v1/groups/" + id, ADMIN_TOKEN, object().put("name", "  "));
        assertThat(r.status()).as("%s", r).isEqualTo(400);
    }

    @Test
    void concurrentGroupCreatesWithTheSameNameGiveOne201AndOtherwise409() throws Exception {
        String name = unique("Group race");
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    var req = server.request("/api/v1/groups", ADMIN_TOKEN).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(group(name).toString())).build();
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
        assertThat(statuses).as("statuses").containsOnly(201, 409).containsOnlyOnce(201);
    }
}
