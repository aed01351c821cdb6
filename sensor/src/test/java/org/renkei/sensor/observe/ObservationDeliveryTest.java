package org.renkei.sensor.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.EventState;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.detect.SourceActivity;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.report.CaptureAnalyzer;
import org.renkei.sensor.synth.TrafficSynthesizer;

import com.sun.net.httpserver.HttpServer;

/** The spool and sender against a tiny local center, including a restart that resends. */
class ObservationDeliveryTest {
    @TempDir Path dir;

    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final List<ObservationBatch> received = Collections.synchronizedList(new ArrayList<>());
    /** What a center keeps: one copy per batch_id. */
    private final Set<UUID> stored = Collections.synchronizedSet(new LinkedHashSet<>());

    @BeforeEach
    void startCenter() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/observations", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
            int s = status.get();
            if (s == 200) {
                ObservationBatch b = ObservationBatch.fromJson(body);
                received.add(b);
                stored.add(b.batchId());
            }
            ex.sendResponseHeaders(s, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopCenter() {
        server.stop(0);
    }

    private URI center() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static ObservationBatch batch(String sensor) {
        SourceActivity s = new SourceActivity("192.0.2.7", 10, 600, 9, List.of(23, 2323), List.of("tcp"), List.of("SYN"), 40, 52,
                Instant.parse("2026-11-22T01:00:00Z"), Instant.parse("2026-11-22T01:00:59Z"), List.of("mirai"), List.of("tcp_syn_probe"));
        ScanCampaign c = new ScanCampaign(EventState.STARTED, "192.0.2.7", "tcp", 23, Instant.parse("2026-11-22T00:55:00Z"),
                Instant.parse("2026-11-22T01:00:59Z"), 300, 290, 0.8, 0.0044, List.of("mirai"));
        return new ObservationBatch(1, UUID.randomUUID(), sensor, Instant.parse("2026-11-22T01:00:00Z"), Instant.parse("2026-11-22T01:00:59Z"),
                Instant.now(), 10, 600, Map.of("tcp_syn_probe", 10L), 1, 0, List.of(s), List.of(new ObservationBatch.PortCount("tcp", 23, 10)),
                List.of(c), List.of(), 65536, "test");
    }

    @Test
    void batchJsonRoundTripsWithSnakeCaseNamesAndUtcTimes() throws IOException {
        ObservationBatch b = batch("s1");
        String json = b.toJson();
        assertThat(json).contains("\"batch_id\":\"" + b.batchId() + "\"", "\"sensor_id\":\"s1\"", "\"interval_start\":\"2026-11-22T01:00:00Z\"",
                "\"distinct_destinations\":9", "\"scan_events\"", "\"packets_per_second\"");
        assertThat(ObservationBatch.fromJson(json)).isEqualTo(b);
        // Added after the first sensors shipped: written always, read as 0 when absent.
        assertThat(json).contains("\"state_entries_evicted\":0");
        assertThat(ObservationBatch.fromJson(json.replace(",\"state_entries_evicted\":0", "")).stateEntriesEvicted()).isZero();
    }

    @Test
    void sendsSpooledBatchesWithTheTokenAndDeletesThemOnSuccess() throws Exception {
        ObservationSpool spool = new ObservationSpool(dir.resolve("spool"));
        ObservationBatch b1 = batch("s1"), b2 = batch("s1");
        spool.put(b1);
        spool.put(b2);
        ObservationSender sender = new ObservationSender(spool, center(), "secret-token", m -> { });
        assertThat(sender.sendPending()).isTrue();
        assertThat(spool.pending()).isEmpty();
        assertThat(received).extracting(ObservationBatch::batchId).containsExactlyInAnyOrder(b1.batchId(), b2.batchId());
        assertThat(authorizations).containsOnly("Bearer secret-token");
    }

    @Test
    void keepsBatchesWhileTheCenterFailsAndResendsThemAfterARestart() throws Exception {
        Path spoolDir = dir.resolve("spool");
        ObservationBatch b = batch("s1");
        status.set(503);
        ObservationSpool spool = new ObservationSpool(spoolDir);
        spool.put(b);
        List<String> log = new ArrayList<>();
        ObservationSender first = new ObservationSender(spool, center(), "t", log::add);
        assertThat(first.sendPending()).isFalse();
        assertThat(first.backoffMillis()).isEqualTo(1000);
        assertThat(first.sendPending()).isFalse();
        assertThat(first.backoffMillis()).isEqualTo(2000);
        assertThat(spool.pending()).hasSize(1);
        assertThat(log.get(0)).contains("503").contains("kept in the spool");

        // The sensor restarts: a new spool and sender over the same directory resend what is there.
        status.set(200);
        ObservationSpool reopened = new ObservationSpool(spoolDir);
        ObservationSender second = new ObservationSender(reopened, center(), "t", m -> { });
        assertThat(second.sendPending()).isTrue();
        assertThat(reopened.pending()).isEmpty();
        assertThat(received).extracting(ObservationBatch::batchId).containsExactly(b.batchId());
    }

    @Test
    void aBatchSentTwiceIsStoredOnceByBatchId() throws Exception {
        ObservationBatch b = batch("s1");
        ObservationSpool spool = new ObservationSpool(dir.resolve("spool"));
        spool.put(b);
        Path copy = Files.copy(spool.pending().get(0), dir.resolve("copy.json"));
        new ObservationSender(spool, center(), "t", m -> { }).sendPending();
        // An acknowledgement lost in transit: the same file is sent again after a restart.
        Files.copy(copy, spool.directory().resolve(copy.getFileName()));
        new ObservationSender(spool, center(), "t", m -> { }).sendPending();
        assertThat(received).hasSize(2);
        assertThat(stored).containsExactly(b.batchId());
    }

    @Test
    void invalidBatchesAreSetAsideInsteadOfBlockingTheQueue() throws Exception {
        status.set(422);
        ObservationSpool spool = new ObservationSpool(dir.resolve("spool"));
        spool.put(batch("s1"));
        assertThat(new ObservationSender(spool, center(), "t", m -> { }).sendPending()).isTrue();
        assertThat(spool.pending()).isEmpty();
        assertThat(Files.list(spool.directory().resolve("rejected")).count()).isEqualTo(1);
    }

    @Test
    void liveSensorTurnsACaptureStreamIntoBatchesTheCenterReceives() throws Exception {
        Path capture = dir.resolve("live.pcap");
        TrafficSynthesizer.write(capture, new TrafficSynthesizer.Config(7, 900, 5, 1, 1, 1, 1, 300, 2, 5));
        LiveSensor.Config config = new LiveSensor.Config("test-sensor", Duration.ofHours(1), 100, center(), "tok", dir.resolve("spool"),
                Duration.ofSeconds(20), CaptureAnalyzer.Config.defaults());
        try (LiveSensor sensor = new LiveSensor(config, PacketClassifier.builtIn(), m -> { });
             CaptureReader reader = CaptureReader.open(Files.newInputStream(capture), "stdin")) {
            sensor.consume(reader);
            assertThat(sensor.finish()).isTrue();
        }
        assertThat(received).hasSize(1);
        ObservationBatch b = received.get(0);
        assertThat(b.sensorId()).isEqualTo("test-sensor");
        assertThat(b.packets()).isGreaterThan(1000);
        assertThat(b.sources()).isNotEmpty().hasSizeLessThanOrEqualTo(100);
        assertThat(b.sourceCount()).isGreaterThan(100);
        assertThat(b.sourcesOmitted()).isEqualTo(b.sourceCount() - b.sources().size());
        assertThat(b.ports()).isNotEmpty();
        assertThat(b.scanEvents()).extracting(ScanCampaign::fingerprints).anySatisfy(f -> assertThat(f).contains("mirai"));
        assertThat(b.dosEvents()).isNotEmpty();
        assertThat(authorizations).containsOnly("Bearer tok");
    }

    @Test
    void followsADirectoryOfRotatingCapturesAndRemembersWhatItRead() throws Exception {
        Path watch = Files.createDirectories(dir.resolve("captures"));
        TrafficSynthesizer.write(watch.resolve("dn-0001.pcap"), new TrafficSynthesizer.Config(1, 300, 3, 0, 0, 0, 0, 100, 1, 2));
        TrafficSynthesizer.write(watch.resolve("dn-0002.pcap"), new TrafficSynthesizer.Config(2, 300, 3, 0, 0, 0, 0, 100, 1, 2));
        Files.writeString(watch.resolve(".partial"), "hidden files are ignored");
        LiveSensor.Config config = new LiveSensor.Config("dir-sensor", Duration.ofHours(1), 100, center(), "tok", dir.resolve("spool"),
                Duration.ofSeconds(20), CaptureAnalyzer.Config.defaults());
        try (LiveSensor sensor = new LiveSensor(config, PacketClassifier.builtIn(), m -> { })) {
            // The newest file counts as still being written until it is two intervals old, so one pass reads only the first.
            AtomicInteger passes = new AtomicInteger();
            sensor.follow(watch, () -> passes.getAndIncrement() < 1);
            assertThat(Files.readAllLines(dir.resolve("spool").resolve("files-read.txt"))).containsExactly("dn-0001.pcap");
            assertThat(sensor.finish()).isTrue();
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).packets()).isGreaterThan(100);
    }
}
