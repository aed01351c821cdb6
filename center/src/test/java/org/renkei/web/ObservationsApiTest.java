package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.access.MemberType;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.center.TestCenter;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.cli.SensorMain;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.observe.LiveSensor;
import org.renkei.sensor.observe.ObservationBatch;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PcapWriter;
import org.renkei.sensor.report.CaptureAnalyzer;
import org.renkei.sensor.synth.PacketBuilder;
import org.renkei.sensor.synth.TrafficSynthesizer;
import org.renkei.store.PostgresExtension;
import picocli.CommandLine;

/**
 * The sensor's center endpoint, end to end: the real {@code renkei sensor} reads a
 * synthetic capture and delivers its batches to a real center with a sensor token;
 * resending is idempotent; other roles and bad batches are refused.
 */
class ObservationsApiTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    static TestCenter center;
    static TestCenter.Account isp;
    static String sensorToken;

    @BeforeAll
    static void start() {
        center = TestCenter.start(PG.database());
        isp = center.member("ISP", MemberType.ISP, Sector.INFORMATION_COMMUNICATIONS, List.of());
        sensorToken = center.token(isp.member(), Role.SENSOR).token();
    }

    @AfterAll
    static void stop() {
        center.close();
    }

    long batches() {
        return center.center().database().jdbi().withHandle(h -> h.createQuery("select count(*) from observation_batch")
                .mapTo(Long.class).one());
    }

    @Test
    void aSensorDeliversItsBatchesToTheCenter(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("darknet.pcap");
        assertThat(new CommandLine(new SensorMain()).execute("synth", "--out", pcap.toString(), "--seed", "7")).isZero();
        long before = batches();
        int exit = new CommandLine(new SensorMain()).execute("sensor", "--center", center.uri("").toString(),
                "--token", sensorToken, "--input", pcap.toString(), "--spool", dir.resolve("spool").toString(),
                "--sensor-id", "test-sensor", "--interval", "60", "--drain-timeout", "20");
        assertThat(exit).isZero();
        assertThat(batches()).isGreaterThan(before);
        try (var spooled = Files.list(dir.resolve("spool"))) {
            assertThat(spooled.filter(f -> f.toString().endsWith(".json")).count()).as("spool drained").isZero();
        }
        Long packets = center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select sum(packets) from observation_batch where sensor_id = 'test-sensor'").mapTo(Long.class).one());
        assertThat(packets).isPositive();
    }

    @Test
    void aResentBatchIsNotCountedTwice() {
        String batch = """
                {"schema_version":1,"batch_id":"6f1c1b0e-1111-4a57-9a57-0c2b6a0a0001","sensor_id":"s1",
                 "interval_start":"2026-11-22T00:00:00Z","interval_end":"2026-11-22T00:01:00Z",
                 "created_at":"2026-11-22T00:01:00Z","packets":10,"bytes":600,"packet_classes":{},
                 "source_count":0,"sources_omitted":0,"sources":[],"ports":[],"scan_events":[],"dos_events":[],
                 "darknet_size":256,"rules_version":"1"}""";
        var first = post(sensorToken, batch);
        var again = post(sensorToken, batch);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("duplicate");
    }

    /** A batch of {@code packets} 60-byte packets and nothing else, with a fresh batch id, as JSON ending in a newline. */
    private static String emptyBatch(String sensorId, long packets) {
        return """
                {"schema_version":1,"batch_id":"%s","sensor_id":"%s",
                 "interval_start":"2026-11-22T00:00:00Z","interval_end":"2026-11-22T00:01:00Z",
                 "created_at":"2026-11-22T00:01:00Z","packets":%d,"bytes":%d,"packet_classes":{},
                 "source_count":0,"sources_omitted":0,"sources":[],"ports":[],"scan_events":[],"dos_events":[],
                 "darknet_size":256,"rules_version":"1"}
                """.formatted(UUID.randomUUID(), sensorId, packets, packets * 60);
    }

    /** What sensors deliver is on /metrics per member: batches (stored, resent), packets, and the state their bound cost. */
    @Test
    void deliveriesAndWhatTheStateBoundCostAreMetricsPerMember() throws Exception {
        TestCenter.Account operator = center.member("Metrics operator " + UUID.randomUUID(), MemberType.ISP,
                Sector.INFORMATION_COMMUNICATIONS, List.of());
        String token = center.token(operator.member(), Role.SENSOR).token();
        String batch = emptyBatch("undersized", 1000).replace("}\n", ",\"state_entries_evicted\":2500}\n");
        assertThat(post(token, batch).statusCode()).isEqualTo(201);
        assertThat(post(token, batch).statusCode()).isEqualTo(200);
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(center.uri("/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String m = "member=\"" + operator.member().id() + "\"";
        assertThat(metrics).contains("renkei_observation_state_entries_evicted_total{" + m + "} 2500.0",
                "renkei_observation_packets_total{" + m + "} 1000.0",
                "renkei_observation_batches_total{" + m + ",status=\"stored\"} 1.0",
                "renkei_observation_batches_total{" + m + ",status=\"duplicate\"} 1.0");
    }

    @Test
    void aMemberWhoseSensorSentBatchesIsKeptWithItsBatches() {
        TestCenter.Account operator = center.member("Sensor operator " + UUID.randomUUID(), MemberType.ISP,
                Sector.INFORMATION_COMMUNICATIONS, List.of());
        String token = center.token(operator.member(), Role.SENSOR).token();
        String batch = emptyBatch("kept", 10);
        assertThat(post(token, batch).statusCode()).isEqualTo(201);

        var removal = center.delete("/api/v1/members/" + operator.id(), TestCenter.ADMIN_TOKEN);

        assertThat(removal.statusCode()).as(removal.body()).isEqualTo(409);
        assertThat(removal.body()).contains("observation batches").contains("revoke its tokens");
        assertThat(center.get("/api/v1/members/" + operator.id(), TestCenter.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        Long kept = center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select count(*) from observation_batch where member_id = :m").bind("m", operator.id())
                .mapTo(Long.class).one());
        assertThat(kept).isEqualTo(1);
    }

    @Test
    void onlySensorTokensDeliverAndBadBatchesAreNamed() {
        assertThat(post(isp.token(), "{}").statusCode()).isEqualTo(403);
        assertThat(post(null, "{}").statusCode()).isEqualTo(401);
        var bad = post(sensorToken, "{\"schema_version\": \"one\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("observation batch");
        var future = post(sensorToken, "{\"schema_version\": 99, \"batch_id\": \"6f1c1b0e-1111-4a57-9a57-0c2b6a0a0002\", \"sensor_id\": \"x\"}");
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(future.body()).contains("schema_version");
    }

    /** One TCP SYN to port 23 from each of {@code sources} distinct sources. */
    static Path syns(Path file, int sources, int firstOctet) throws Exception {
        PacketBuilder pb = new PacketBuilder();
        long t0 = 1_764_000_000L * 1_000_000_000L;
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(file), 1, 65535, true)) {
            for (int i = 0; i < sources; i++) {
                pb.tcp(PacketBuilder.ip(firstOctet, 0, 0, 0) + i, TrafficSynthesizer.DARKNET_BASE | (i & 0xFFFF), 40000, 23, 0x02);
                int len = pb.build();
                w.write(t0 + i * 1000L, pb.array(), len, len);
            }
        }
        return file;
    }

    @Test
    void anIntervalOfTwentyFourThousandEventsArrivesAsThreePartsAllStoredAndAResentPartIsADuplicate(@TempDir Path dir)
            throws Exception {
        Path capture = syns(dir.resolve("syns.pcap"), 24_000, 203);
        // Scan threshold 1: each source's first SYN starts a campaign, so 24,000 sources make 24,000 events.
        CaptureAnalyzer.Config analyzer = new CaptureAnalyzer.Config(new ScanDetector.Config(1, 480, 1_000_000),
                DosDetector.Config.defaults(), 0, 20);
        LiveSensor.Config config = new LiveSensor.Config("parts-sensor", Duration.ofHours(1), 100, center.uri(""), sensorToken,
                dir.resolve("spool"), Duration.ofSeconds(20), analyzer);
        try (LiveSensor sensor = new LiveSensor(config, PacketClassifier.builtIn(), m -> { });
             CaptureReader reader = CaptureReader.open(capture)) {
            sensor.consume(reader);
            sensor.cut(false);
            assertThat(sensor.sender().sendPending()).as("the center acknowledged every part").isTrue();
        }
        var rows = center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select (body->>'part')::int as part, body->>'first_batch_id' as first, batch_id::text as id, packets,"
                        + " jsonb_array_length(body->'scan_events') as events, (body->>'more_parts')::boolean as more"
                        + " from observation_batch where sensor_id = 'parts-sensor' order by 1").mapToMap().list());
        assertThat(rows).hasSize(3);
        assertThat(rows).extracting(r -> r.get("part")).containsExactly(1, 2, 3);
        assertThat(rows).extracting(r -> r.get("events")).containsExactly(10_000, 10_000, 4_000);
        assertThat(rows).extracting(r -> r.get("more")).containsExactly(true, true, false);
        assertThat(rows).extracting(r -> r.get("first")).containsOnly(rows.get(0).get("id"));
        assertThat(rows).extracting(r -> ((Number) r.get("packets")).longValue()).containsExactly(24_000L, 0L, 0L);

        // A part sent again (its acknowledgement lost) is acknowledged as a duplicate and not stored twice.
        String part2 = center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select body::text from observation_batch where sensor_id = 'parts-sensor' and body->>'part' = '2'")
                .mapTo(String.class).one());
        ObservationBatch second = ObservationBatch.fromJson(part2);
        assertThat(second.part()).isEqualTo(2);
        assertThat(second.packets()).isZero();
        var again = post(sensorToken, part2);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("duplicate", second.batchId().toString());
        Long stored = center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select count(*) from observation_batch where sensor_id = 'parts-sensor'").mapTo(Long.class).one());
        assertThat(stored).isEqualTo(3);
    }

    private static String batchWith(String extra) {
        return "{\"schema_version\":1,\"batch_id\":\"" + UUID.randomUUID() + "\",\"sensor_id\":\"s-parts\",\"packets\":0,\"bytes\":0,"
                + extra + "}";
    }

    @Test
    void badPartNumbersAndFirstBatchIdsAreRefusedWithTheFieldNamed() {
        String first = UUID.randomUUID().toString();
        var zero = post(sensorToken, batchWith("\"part\":0"));
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.body()).contains("part: must be 1 or more");
        var negative = post(sensorToken, batchWith("\"part\":-3,\"first_batch_id\":\"" + first + "\""));
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.body()).contains("part: must be 1 or more", "not -3");
        var word = post(sensorToken, batchWith("\"part\":\"two\""));
        assertThat(word.statusCode()).isEqualTo(400);
        assertThat(word.body()).contains("part must be a whole number");
        var malformed = post(sensorToken, batchWith("\"part\":2,\"first_batch_id\":\"not-a-uuid\""));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("first_batch_id must be a UUID");
        var missing = post(sensorToken, batchWith("\"part\":2"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("first_batch_id: is required for part 2");
        var counted = post(sensorToken, "{\"schema_version\":1,\"batch_id\":\"" + UUID.randomUUID()
                + "\",\"sensor_id\":\"s-parts\",\"packets\":5,\"bytes\":300,\"part\":2,\"first_batch_id\":\"" + first + "\"}");
        assertThat(counted.statusCode()).isEqualTo(400);
        assertThat(counted.body()).contains("parts after the first carry events only");
        var good = post(sensorToken, batchWith("\"part\":2,\"first_batch_id\":\"" + first + "\",\"more_parts\":false"));
        assertThat(good.statusCode()).as(good.body()).isEqualTo(201);
    }

    @Test
    void theSensorsScanThresholdOptionReachesTheDetector(@TempDir Path dir) throws Exception {
        Path capture = syns(dir.resolve("fifty.pcap"), 50, 198);
        for (String threshold : List.of("1", "100")) {
            int exit = new CommandLine(new SensorMain()).execute("sensor", "--center", center.uri("").toString(),
                    "--token", sensorToken, "--input", capture.toString(), "--spool", dir.resolve("spool-" + threshold).toString(),
                    "--sensor-id", "threshold-" + threshold, "--scan-min-destinations", threshold, "--drain-timeout", "20");
            assertThat(exit).isZero();
        }
        java.util.function.Function<String, Long> events = id -> center.center().database().jdbi().withHandle(h -> h.createQuery(
                "select coalesce(sum(jsonb_array_length(body->'scan_events')), 0) from observation_batch where sensor_id = :id")
                .bind("id", id).mapTo(Long.class).one());
        // Threshold 1: each of the 50 sources starts a campaign, which ends at end of input.
        assertThat(events.apply("threshold-1")).isEqualTo(100);
        assertThat(events.apply("threshold-100")).isZero();
    }

    java.net.http.HttpResponse<String> post(String token, String body) {
        return center.send(center.request("/api/v1/observations", token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
