package org.renkei.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.renkei.access.Member;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.center.Center;
import org.renkei.center.CenterConfig;
import org.renkei.http.Json;
import org.renkei.stix.Tlp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code renkei aot-train} (hidden): the training run behind the launcher's start-up cache for
 * {@code serve} and {@code demo}. It starts a center on a throwaway embedded store (temp dir, free
 * ports, loopback), has two members POST indicators through TAXII in envelopes of several thousand
 * over a few connections, polls their statuses, reads pages back, and stops. Run with
 * {@code -XX:AOTCacheOutput}, the JVM then writes the classes it loaded and linked and the method
 * profiles it gathered (JDK 25, JEPs 483/514/515), so that a fresh server's JIT compiles the ingest
 * path from complete profiles instead of re-profiling it from the interpreter.
 */
@Command(name = "aot-train", hidden = true, mixinStandardHelpOptions = true,
        description = "Training workload for the serve/demo start-up cache (a throwaway center; used by the launcher).")
final class TrainCommand implements Callable<Integer> {
    private static final String TAXII = "application/taxii+json;version=2.1";

    @Option(names = "--objects", description = "indicators to ingest (default ${DEFAULT-VALUE})")
    int objects = 60_000;

    @Option(names = "--batch", description = "indicators per envelope (default ${DEFAULT-VALUE})")
    int batch = 5_000;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("renkei-aot-train");
        try {
            CenterConfig cfg = CenterConfig.defaultsOnly().with("server.host", "127.0.0.1").with("server.port", "0")
                    .with("data.dir", dir.resolve("data").toString())
                    .with("db.embedded-port", String.valueOf(freePort()));
            try (Center center = Center.start(cfg, "aot-train-" + UUID.randomUUID(), line -> { })) {
                train(center);
            }
            return 0;
        } finally {
            deleteTree(dir);
        }
    }

    private void train(Center center) throws Exception {
        String base = "http://127.0.0.1:" + center.port();
        List<String> tokens = new ArrayList<>();
        for (String name : List.of("AOT training operator", "AOT training ISP")) {
            Member m = center.members().create(new MemberInput(name, MemberType.OPERATOR, Sector.FINANCE, true,
                    List.of(), List.of(), 0.6, false));
            tokens.add(center.tokens().issue(m.id(), Role.MEMBER, "aot-training").token());
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int envelopes = Math.max(1, objects / batch);
        // a quarter of the second member's indicators repeat the first's observables: corroboration merges them
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<String>> posts = new ArrayList<>();
            for (int e = 0; e < envelopes; e++) {
                int n = e;
                posts.add(pool.submit(() -> post(http, base, tokens.get(n % 2), envelope(n, batch))));
            }
            for (int e = 0; e < envelopes; e++) {
                awaitComplete(http, base, tokens.get(e % 2), posts.get(e).get()); // a status is its submitter's
            }
        }
        // the read side: pages of the collection, by type, as TAXII clients page through them
        for (int i = 0; i < 200; i++) {
            send(http, request(base, "/taxii2/api1/collections/community/objects/?match[type]=indicator&limit="
                    + (i % 2 == 0 ? 100 : 1000), tokens.get(i % 2)).GET().build());
        }
    }

    private static String post(HttpClient http, String base, String token, String envelope) throws Exception {
        HttpResponse<String> r = send(http, request(base, "/taxii2/api1/collections/community/objects/", token)
                .header("Content-Type", TAXII).POST(HttpRequest.BodyPublishers.ofString(envelope)).build());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("the training POST was answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("id").asString();
    }

    private static void awaitComplete(HttpClient http, String base, String token, String statusId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(http, request(base, "/taxii2/api1/status/" + statusId + "/", token).GET().build());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the training status poll was answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode st = Json.MAPPER.readTree(r.body());
            if ("complete".equals(st.path("status").asString())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the training submission " + statusId + " did not complete");
    }

    private static HttpRequest.Builder request(String base, String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Accept", TAXII).timeout(Duration.ofMinutes(2));
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static final String[] WORDS = {"login", "secure", "update", "cdn", "portal", "verify", "files", "mail"};
    private static final String[] FAMILIES = {"Emotet", "QakBot", "Mirai", "AsyncRAT", "IcedID", "AgentTesla"};

    /** An envelope of indicators of IPv4 addresses, domains and URLs at TLP:GREEN (odd envelopes repeat some observables). */
    private static String envelope(int n, int count) {
        SplittableRandom r = new SplittableRandom(n);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(1, ChronoUnit.DAYS);
        ObjectNode env = Json.object();
        ArrayNode list = env.putArray("objects");
        for (int i = 0; i < count; i++) {
            // observables of envelope n are those of envelope n - 1 for every fourth object of an odd envelope
            long k = (long) (n % 2 == 1 && i % 4 == 0 ? n - 1 : n) * count + i;
            String family = FAMILIES[r.nextInt(FAMILIES.length)];
            String pattern = switch ((int) (k % 3)) {
                case 0 -> "[ipv4-addr:value = '10." + (k >>> 16 & 255) + "." + (k >>> 8 & 255) + "." + (k & 255) + "']";
                case 1 -> "[domain-name:value = '" + WORDS[(int) (k % WORDS.length)] + "-" + Long.toString(k, 36) + ".example']";
                default -> "[url:value = 'https://" + WORDS[(int) (k % WORDS.length)] + ".example/" + Long.toString(k, 36)
                        + "/" + Long.toHexString(r.nextLong()) + ".php']";
            };
            String ts = t.plusMillis(i).toString();
            ObjectNode o = list.addObject();
            o.put("type", "indicator");
            o.put("spec_version", "2.1");
            o.put("id", "indicator--" + UUID.randomUUID());
            o.put("created", ts);
            o.put("modified", ts);
            o.put("name", family + " " + pattern.substring(1, pattern.indexOf(':')));
            o.put("description", "Observed by a member sensor; block at the perimeter.");
            o.putArray("indicator_types").add("malicious-activity");
            o.put("pattern", pattern);
            o.put("pattern_type", "stix");
            o.put("valid_from", ts);
            o.putArray("labels").add(family.toLowerCase(Locale.ROOT));
            o.put("confidence", 10 * (1 + r.nextInt(9)));
            o.putArray("object_marking_refs").add(Tlp.GREEN.markingDefinitionId());
        }
        return Json.MAPPER.writeValueAsString(env);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
