package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.renkei.center.Center;
import org.renkei.center.TestCenter;
import org.renkei.store.Database;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real center on a random port of 127.0.0.1 over a test database, and a small HTTP
 * client for it that checks on every answer that the server did not fail (status
 * below 500): the REST API must never answer 500 to client input.
 */
final class CenterTestServer implements AutoCloseable {
    static final String ADMIN_TOKEN = TestCenter.ADMIN_TOKEN;
    /** A plain mapper (no request limits): responses are parsed as a client would. */
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The running center and its HTTP plumbing; this class adds the REST-flavoured calls. */
    private final TestCenter base;

    private CenterTestServer(TestCenter base) {
        this.base = base;
    }

    static CenterTestServer start(Database db) {
        return new CenterTestServer(TestCenter.start(db));
    }

    Center center() {
        return base.center();
    }

    URI uri(String path) {
        return base.uri(path);
    }

    Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    Response post(String path, String token, Object body) {
        return send(path, token, "POST", body);
    }

    Response patch(String path, String token, Object body) {
        return send(path, token, "PATCH", body);
    }

    Response put(String path, String token, Object body) {
        return send(path, token, "PUT", body);
    }

    /** {@code body} is sent as is when it is a String or byte[], as JSON otherwise. */
    Response send(String path, String token, String method, Object body) {
        byte[] bytes = switch (body) {
            case null -> new byte[0];
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            case byte[] b -> b;
            default -> JSON.writeValueAsBytes(body);
        };
        return send(request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /** A request with {@code Authorization: Bearer token} (none when token is null). */
    HttpRequest.Builder request(String path, String token) {
        return base.request(path, token);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    Response send(HttpRequest.Builder b) {
        HttpRequest req = b.build();
        try {
            HttpResponse<String> r = base.http().send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Response out = new Response(r.statusCode(), r.headers(), r.body());
            assertThat(out.status()).as("%s %s answered %s", req.method(), req.uri(), out).isLessThan(500);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(req.method() + " " + req.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Creates a member as the administrator and returns its id. */
    String createMember(String name, String type, String sector) {
        ObjectNode m = object().put("name", name).put("type", type);
        if (sector != null) {
            m.put("sector", sector);
        }
        Response r = post("/api/v1/members", ADMIN_TOKEN, m);
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.json().get("id").asString();
    }

    /** Issues a token of this role for the member and returns it. */
    String issueToken(String memberId, String role) {
        Response r = post("/api/v1/members/" + memberId + "/tokens", ADMIN_TOKEN, object().put("role", role));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.json().get("token").asString();
    }

    @Override
    public void close() {
        base.close();
    }

    record Response(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        /** The RFC 9457 detail of a problem+json answer, checked to be one. */
        String detail() {
            assertThat(contentType()).as("%s", this).startsWith("application/problem+json");
            JsonNode p = json();
            assertThat(p.get("status").asInt()).isEqualTo(status);
            assertThat(p.get("title").asString()).isNotBlank();
            return p.get("detail").asString();
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
        }
    }
}
