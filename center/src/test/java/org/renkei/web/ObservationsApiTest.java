package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.renkei.sensor.cli.SensorMain;
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

    java.net.http.HttpResponse<String> post(String token, String body) {
        return center.send(center.request("/api/v1/observations", token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
