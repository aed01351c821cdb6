package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.web.CenterTestServer.ADMIN_TOKEN;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.access.MemberType;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.store.PostgresExtension;
import org.renkei.web.CenterTestServer.Response;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document served at {@code /api/v1/openapi.json} describes exactly the
 * routes the server answers: every route of {@link #ROUTES} is in the document and is
 * answered by a handler (not the catch-all 404), every other method on those paths
 * falls through to the catch-all, and the document lists nothing else.
 */
class OpenApiDocumentTest {
    @RegisterExtension
    static final PostgresExtension pg = PostgresExtension.embedded();

    /** Every route the center serves outside TAXII, as registered in CenterHttpServer, MembersApi, ObjectsApi and ObservationsApi. */
    static final List<String> ROUTES = List.of(
            "GET /api/v1/me",
            "POST /api/v1/members",
            "GET /api/v1/members",
            "GET /api/v1/members/{id}",
            "PATCH /api/v1/members/{id}",
            "PUT /api/v1/members/{id}",
            "DELETE /api/v1/members/{id}",
            "POST /api/v1/members/{id}/tokens",
            "GET /api/v1/members/{id}/tokens",
            "GET /api/v1/members/{id}/tokens/{token}",
            "DELETE /api/v1/members/{id}/tokens/{token}",
            "POST /api/v1/groups",
            "GET /api/v1/groups",
            "GET /api/v1/groups/{id}",
            "PATCH /api/v1/groups/{id}",
            "PUT /api/v1/groups/{id}",
            "DELETE /api/v1/groups/{id}",
            "POST /api/v1/objects",
            "GET /api/v1/objects",
            "GET /api/v1/objects/{id}",
            "GET /api/v1/status/{id}",
            "POST /api/v1/observations",
            "GET /api/v1/stream",
            "GET /api/v1/openapi.json",
            "GET /health",
            "GET /metrics");
    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    static CenterTestServer server;
    static JsonNode doc;

    @BeforeAll
    static void start() {
        server = CenterTestServer.start(pg.database());
        Response r = server.get("/api/v1/openapi.json", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        doc = r.json();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String method(String route) {
        return route.substring(0, route.indexOf(' '));
    }

    private static String path(String route) {
        return route.substring(route.indexOf(' ') + 1);
    }

    /** The route's path with each {parameter} replaced by a fresh UUID. */
    private static String concrete(String path) {
        return path.replaceAll("\\{[a-z]+}", UUID.randomUUID().toString());
    }

    private static boolean isCatchAll(Response r) {
        return r.status() == 404 && r.body().contains("nothing at")
                || r.status() == 405 && r.body().contains("is not allowed here");
    }

    /** The methods the route table documents for a path, as an Allow header lists them. */
    private static String documentedMethods(String path) {
        return ROUTES.stream().filter(r -> path(r).equals(path)).map(OpenApiDocumentTest::method).sorted()
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Test
    void servedDocumentIsOpenApi31() {
        assertThat(doc.isObject()).isTrue();
        assertThat(doc.get("openapi").asString()).startsWith("3.1.");
        assertThat(doc.get("info").get("title").asString()).isNotBlank();
        assertThat(doc.get("info").get("version").asString()).isNotBlank();
        assertThat(doc.get("paths").isObject()).isTrue();
    }

    @Test
    void everyRouteIsInTheDocument() {
        List<String> missing = new ArrayList<>();
        for (String route : ROUTES) {
            JsonNode item = doc.get("paths").get(path(route));
            if (item == null || !item.has(method(route).toLowerCase(Locale.ROOT))) {
                missing.add(route);
            }
        }
        assertThat(missing).as("routes the server answers but the document does not list").isEmpty();
    }

    @Test
    void documentListsNoOtherRoute() {
        Set<String> listed = new HashSet<>();
        doc.get("paths").properties().forEach(p -> p.getValue().propertyNames().forEach(m -> {
            if (METHODS.contains(m.toUpperCase(Locale.ROOT)) || Set.of("head", "options", "trace").contains(m)) {
                listed.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(ROUTES);
    }

    @Test
    void everyRouteOfTheTableIsAnsweredByAHandler() throws Exception {
        for (String route : ROUTES) {
            String path = concrete(path(route));
            if (path.equals("/api/v1/stream")) {
                var req = server.request(path, ADMIN_TOKEN).GET().build();
                HttpResponse<InputStream> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                            assertThat(v).startsWith("text/event-stream"));
                }
                continue;
            }
            Response r = method(route).equals("GET") || method(route).equals("DELETE")
                    ? server.send(server.request(path, ADMIN_TOKEN).method(method(route),
                            java.net.http.HttpRequest.BodyPublishers.noBody()))
                    : server.send(path, ADMIN_TOKEN, method(route), "{}");
            assertThat(isCatchAll(r)).as("%s answered %s", route, r).isFalse();
        }
    }

    @Test
    void otherMethodsOnTheseRoutesAre405WithTheDocumentedMethods() {
        Set<String> paths = new java.util.LinkedHashSet<>();
        ROUTES.forEach(r -> paths.add(path(r)));
        for (String path : paths) {
            for (String method : METHODS) {
                if (ROUTES.contains(method + " " + path)) {
                    continue;
                }
                Response r = server.send(concrete(path), ADMIN_TOKEN, method, "{}");
                assertThat(r.status()).as("%s %s is answered (%s) but not in the route table", method, path, r)
                        .isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).as("%s %s", method, path).hasValue(documentedMethods(path));
            }
        }
    }

    @Test
    void headAndOptionsAreNotAnsweredOnApiRoutes() {
        for (String method : List.of("HEAD", "OPTIONS")) {
            Response r = server.send(server.request("/api/v1/members", ADMIN_TOKEN).method(method,
                    java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertThat(r.status()).as("%s /api/v1/members: %s", method, r).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST");
        }
    }

    @Test
    void everyOperationNamesItsRolesAndResponses() {
        Set<String> ids = new HashSet<>();
        for (String route : ROUTES) {
            JsonNode op = doc.get("paths").get(path(route)).get(method(route).toLowerCase(Locale.ROOT));
            assertThat(op.get("operationId").asString()).as(route).isNotBlank();
            assertThat(ids.add(op.get("operationId").asString())).as("unique operationId of %s", route).isTrue();
            assertThat(op.get("description").asString()).as(route).contains("Roles:");
            assertThat(op.get("responses").isObject()).as(route).isTrue();
            assertThat(op.get("responses").propertyNames()).as(route).anyMatch(code -> code.startsWith("2"));
            assertThat(op.has("security")).as(route).isTrue();
        }
    }

    @Test
    void errorsAreDescribedAsProblemDetails() {
        for (String route : ROUTES) {
            if (!path(route).startsWith("/api/v1/") || route.endsWith("openapi.json")) {
                continue;
            }
            JsonNode responses = doc.get("paths").get(path(route)).get(method(route).toLowerCase(Locale.ROOT))
                    .get("responses");
            responses.properties().forEach(e -> {
                if (e.getKey().startsWith("4")) {
                    JsonNode resp = resolve(e.getValue());
                    assertThat(resp.get("content").get("application/problem+json").get("schema").get("$ref").asString())
                            .as("%s %s", route, e.getKey()).isEqualTo("#/components/schemas/Problem");
                }
            });
        }
        JsonNode problem = doc.get("components").get("schemas").get("Problem");
        assertThat(problem.get("properties").propertyNames()).contains("type", "title", "status", "detail", "instance");
    }

    @Test
    void wireValuesMatchTheCode() {
        JsonNode schemas = doc.get("components").get("schemas");
        assertThat(strings(schemas.get("Member").get("properties").get("type").get("enum")))
                .containsExactlyElementsOf(Arrays.stream(MemberType.values()).map(MemberType::wire).toList())
                .containsExactly("center", "sector-body", "operator", "isp", "vendor", "government", "municipality",
                        "research");
        assertThat(strings(schemas.get("Member").get("properties").get("sector").get("enum")))
                .containsExactlyElementsOf(Arrays.stream(Sector.values()).map(Sector::wire).toList())
                .hasSize(15);
        assertThat(strings(schemas.get("Role").get("enum")))
                .containsExactlyElementsOf(Arrays.stream(Role.values()).map(Role::wire).toList());
        assertThat(schemas.get("MemberCreate").get("required").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("name", "type");
        assertThat(schemas.get("IssuedToken").get("required").valueStream().map(JsonNode::asString)).contains("token");
        assertThat(schemas.propertyNames()).contains("Member", "Token", "IssuedToken", "Group", "Problem", "Status");
    }

    @Test
    void securitySchemesAreBearerAndBasic() {
        JsonNode schemes = doc.get("components").get("securitySchemes");
        assertThat(schemes.get("bearerAuth").get("type").asString()).isEqualTo("http");
        assertThat(schemes.get("bearerAuth").get("scheme").asString()).isEqualTo("bearer");
        assertThat(schemes.get("basicAuth").get("type").asString()).isEqualTo("http");
        assertThat(schemes.get("basicAuth").get("scheme").asString()).isEqualTo("basic");
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as("$ref %s", ref).isFalse();
        }
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asString());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(x -> collectRefs(x, out));
        }
    }

    private static JsonNode resolve(JsonNode n) {
        return n.has("$ref") ? doc.at(n.get("$ref").asString().substring(1)) : n;
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }
}
