package org.renkei.center;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.renkei.access.Member;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.http.Json;
import org.renkei.store.Database;
import tools.jackson.databind.JsonNode;

/**
 * A running center for integration tests: real HTTP server on a free port over a
 * test database, with helpers to make members, tokens and requests.
 */
public final class TestCenter implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String TAXII = "application/taxii+json;version=2.1";

    private final Center center;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestCenter(Center center) {
        this.center = center;
    }

    public static TestCenter start(Database db) {
        return start(db, Map.of());
    }

    public static TestCenter start(Database db, Map<String, String> settings) {
        CenterConfig cfg = CenterConfig.defaultsOnly().with("server.port", "0").with("server.host", "127.0.0.1");
        for (var e : settings.entrySet()) {
            cfg = cfg.with(e.getKey(), e.getValue());
        }
        return new TestCenter(Center.start(cfg, db, ADMIN_TOKEN));
    }

    public Center center() {
        return center;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + center.port() + path);
    }

    /** A member with a token of the given role. */
    public record Account(Member member, String token) {
        public UUID id() {
            return member.id();
        }
    }

    public Account member(String name, MemberType type, Sector sector, List<String> cidrs) {
        Member m = center.members().create(new MemberInput(name, type, sector, true, cidrs, List.of(), 0.5, false));
        return new Account(m, center.tokens().issue(m.id(), Role.MEMBER, "test").token());
    }

    public Account token(Member m, Role role) {
        return new Account(m, center.tokens().issue(m.id(), role, "test").token());
    }

    public Account analyst() {
        return token(center.centerMember(), Role.ANALYST);
    }

    public UUID group(String name, UUID... members) {
        UUID id = center.members().createGroup(name, null, Set.of(members)).id();
        center.tokens().forgetCachedPrincipals();
        return id;
    }

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).header("Accept", TAXII).GET().build());
    }

    public HttpResponse<String> get(String path, String token, String accept) {
        HttpRequest.Builder b = request(path, token);
        if (accept != null) {
            b.header("Accept", accept);
        }
        return send(b.GET().build());
    }

    public HttpResponse<String> post(String path, String token, String contentType, String body) {
        return send(request(path, token).header("Accept", TAXII).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> postTaxii(String path, String token, String body) {
        return post(path, token, TAXII, body);
    }

    public HttpResponse<String> delete(String path, String token) {
        return send(request(path, token).header("Accept", TAXII).DELETE().build());
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("request " + req.uri() + " failed", e);
        }
    }

    public HttpClient http() {
        return http;
    }

    public static JsonNode json(HttpResponse<String> res) {
        return Json.MAPPER.readTree(res.body());
    }

    /** Submits objects to a collection over TAXII and waits until the status is complete. */
    public JsonNode submit(String collection, String token, String envelope) {
        HttpResponse<String> res = postTaxii("/taxii2/api1/collections/" + collection + "/objects/", token, envelope);
        if (res.statusCode() != 202) {
            throw new AssertionError("POST to " + collection + " answered " + res.statusCode() + ": " + res.body());
        }
        awaitIdle();
        String id = json(res).get("id").asString();
        return json(get("/taxii2/api1/status/" + id + "/", token));
    }

    public void awaitIdle() {
        try {
            center.ingestor().awaitIdle(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        center.close();
    }
}
