package org.renkei.center;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.center.StixSamples.envelope;
import static org.renkei.center.StixSamples.indicator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.http.Json;
import org.renkei.stix.Tlp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * "complete" means durable: objects whose status says complete survive {@code kill -9}
 * of the server process (the real {@code renkei serve}, in a child JVM, on its embedded
 * PostgreSQL), and the restarted server reports leftover pending objects as failed.
 */
class DurabilityTest {
    static final String ADMIN = "durability-admin-token-0123456789";
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void completedObjectsSurviveKillDashNine(@TempDir Path dir) throws Exception {
        int port = freePort();
        int pgPort = freePort();
        Process server = start(dir, port, pgPort);
        String token;
        Set<String> complete = new HashSet<>();
        try {
            awaitUp(port, server);
            String member = Json.MAPPER.readTree(post(port, "/api/v1/members", ADMIN, "application/json",
                    "{\"name\":\"Bank\",\"type\":\"operator\"}").body()).get("id").asString();
            token = Json.MAPPER.readTree(post(port, "/api/v1/members/" + member + "/tokens", ADMIN, "application/json",
                    "{\"role\":\"member\"}").body()).get("token").asString();
            List<String> statuses = new ArrayList<>();
            for (int batch = 0; batch < 20; batch++) {
                List<ObjectNode> objects = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    objects.add(indicator("[ipv4-addr:value = '192.0.2." + (i % 250) + "']", Tlp.GREEN));
                }
                var r = post(port, "/taxii2/api1/collections/community/objects/", token,
                        "application/taxii+json;version=2.1", envelope(objects));
                assertThat(r.statusCode()).isEqualTo(202);
                statuses.add(Json.MAPPER.readTree(r.body()).get("id").asString());
            }
            // read the statuses while the writer is still busy, then kill without warning
            for (String s : statuses) {
                JsonNode st = Json.MAPPER.readTree(get(port, "/taxii2/api1/status/" + s + "/", token).body());
                if (st.get("status").asString().equals("complete")) {
                    st.get("successes").forEach(o -> complete.add(o.get("id").asString()));
                }
            }
        } finally {
            server.destroyForcibly(); // SIGKILL
            server.waitFor();
        }
        Process again = start(dir, port, pgPort);
        try {
            awaitUp(port, again);
            Set<String> stored = new HashSet<>();
            String next = null;
            do {
                String q = "/taxii2/api1/collections/community/objects/?limit=1000" + (next == null ? "" : "&next=" + next);
                JsonNode page = Json.MAPPER.readTree(get(port, q, token).body());
                page.get("objects").forEach(o -> stored.add(o.get("id").asString()));
                next = page.get("more").asBoolean() ? page.get("next").asString() : null;
            } while (next != null);
            assertThat(stored).containsAll(complete);
            assertThat(complete).as("some batches completed before the kill").isNotEmpty();
        } finally {
            again.destroy(); // SIGTERM: an orderly stop
            again.waitFor();
        }
        // The embedded store stops after the center has closed what uses it: no broken connections
        // (with their stack traces) are logged on the way out.
        String log = Files.readString(dir.resolve("server.log"));
        assertThat(log).contains("renkei: stopping...");
        assertThat(log.substring(log.indexOf("renkei: stopping..."))).doesNotContain("Exception").doesNotContain("marked as broken");
    }

    Process start(Path dir, int port, int pgPort) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.renkei.cli.Main", "serve",
                "--port", String.valueOf(port), "--host", "127.0.0.1", "--data", dir.resolve("data").toString());
        pb.environment().put("RENKEI_ADMIN_TOKEN", ADMIN);
        pb.environment().put("RENKEI_DB_EMBEDDED_PORT", String.valueOf(pgPort));
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("server.log").toFile());
        return pb.start();
    }

    void awaitUp(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the server exited with " + p.exitValue());
            }
            try {
                if (get(port, "/health", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the server did not come up");
    }

    HttpResponse<String> get(int port, String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(int port, String path, String token, String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
