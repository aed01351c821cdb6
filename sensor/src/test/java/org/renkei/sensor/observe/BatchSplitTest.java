package org.renkei.sensor.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.EventState;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.detect.SourceActivity;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;
import org.renkei.sensor.pcap.PcapWriter;
import org.renkei.sensor.report.CaptureAnalyzer;
import org.renkei.sensor.synth.PacketBuilder;
import org.renkei.sensor.synth.TrafficSynthesizer;

/**
 * An interval with more than {@link ObservationBatch#MAX_EVENTS} events goes out as parts;
 * only part 1 carries the interval's counts. With a scan threshold of one destination,
 * every source's first SYN starts a campaign, so N sources make N events.
 */
class BatchSplitTest {
    @TempDir Path dir;

    /** One SYN from each of {@code sources} distinct sources to the darknet, a microsecond apart. */
    static Path syns(Path file, int sources) throws IOException {
        PacketBuilder pb = new PacketBuilder();
        long t0 = 1_764_000_000L * 1_000_000_000L;
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(file), 1, 65535, true)) {
            for (int i = 0; i < sources; i++) {
                pb.tcp(PacketBuilder.ip(203, 0, 0, 0) + i, TrafficSynthesizer.DARKNET_BASE | (i & 0xFFFF), 40000, 23, 0x02);
                int len = pb.build();
                w.write(t0 + i * 1000L, pb.array(), len, len);
            }
        }
        return file;
    }

    static CaptureAnalyzer.Config everySourceScans() {
        return new CaptureAnalyzer.Config(new ScanDetector.Config(1, 480, 1_000_000), DosDetector.Config.defaults(), 0, 20);
    }

    /** A center nobody listens on: batches stay in the spool for the test to read. */
    LiveSensor.Config config() {
        return new LiveSensor.Config("split", Duration.ofHours(1), 100, URI.create("http://127.0.0.1:9"), "t", dir.resolve("spool"),
                Duration.ofMillis(200), everySourceScans());
    }

    List<ObservationBatch> spooled() throws IOException {
        List<ObservationBatch> out = new ArrayList<>();
        for (Path p : new ObservationSpool(dir.resolve("spool")).pending()) out.add(ObservationBatch.fromJson(Files.readAllBytes(p)));
        return out;
    }

    @Test
    void anIntervalOfTwentyFourThousandEventsIsSpooledAsThreePartsWithCountsOnlyInTheFirst() throws Exception {
        Path capture = syns(dir.resolve("syns.pcap"), 24_000);
        try (LiveSensor sensor = new LiveSensor(config(), PacketClassifier.builtIn(), m -> { });
             CaptureReader reader = CaptureReader.open(capture)) {
            sensor.consume(reader);
            sensor.cut(false);
            assertThat(sensor.batches()).isEqualTo(3);
            assertThat(sensor.packets()).isEqualTo(24_000);
        }
        List<ObservationBatch> parts = spooled();
        assertThat(parts).extracting(ObservationBatch::part).containsExactly(1, 2, 3);
        assertThat(parts).extracting(ObservationBatch::eventCount).containsExactly(10_000, 10_000, 4_000);
        assertThat(parts).extracting(ObservationBatch::moreParts).containsExactly(true, true, false);
        ObservationBatch first = parts.get(0);
        assertThat(parts).extracting(ObservationBatch::firstBatchId).containsOnly(first.batchId());
        assertThat(parts).extracting(ObservationBatch::batchId).doesNotHaveDuplicates();
        assertThat(parts).extracting(ObservationBatch::createdAt).containsOnly(first.createdAt());

        assertThat(first.packets()).isEqualTo(24_000);
        assertThat(first.sourceCount()).isEqualTo(24_000);
        assertThat(first.sources()).hasSize(100);
        assertThat(first.ports()).isNotEmpty();
        for (ObservationBatch later : parts.subList(1, 3)) {
            assertThat(later.packets()).isZero();
            assertThat(later.bytes()).isZero();
            assertThat(later.sourceCount()).isZero();
            assertThat(later.packetClasses()).isEmpty();
            assertThat(later.sources()).isEmpty();
            assertThat(later.ports()).isEmpty();
            assertThat(later.intervalStart()).isEqualTo(first.intervalStart());
        }
        // Every source's campaign is in exactly one part.
        Set<String> sources = new HashSet<>();
        for (ObservationBatch b : parts) {
            for (ScanCampaign c : b.scanEvents()) assertThat(sources.add(c.source())).as(c.source()).isTrue();
        }
        assertThat(sources).hasSize(24_000);
    }

    @Test
    void anIntervalWithinTheLimitIsOnePartAsBefore() throws Exception {
        Path capture = syns(dir.resolve("syns.pcap"), 10_000);
        try (LiveSensor sensor = new LiveSensor(config(), PacketClassifier.builtIn(), m -> { });
             CaptureReader reader = CaptureReader.open(capture)) {
            sensor.consume(reader);
            sensor.cut(false);
        }
        List<ObservationBatch> parts = spooled();
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).part()).isEqualTo(1);
        assertThat(parts.get(0).moreParts()).isFalse();
        assertThat(parts.get(0).eventCount()).isEqualTo(10_000);
        assertThat(parts.get(0).stateEntriesEvicted()).isZero();
    }

    @Test
    void aSensorAtItsStateBoundMakesRoomAndSaysSoOnceABatch() throws Exception {
        Path capture = syns(dir.resolve("syns.pcap"), 10_000);
        LiveSensor.Config bounded = new LiveSensor.Config("bound", Duration.ofHours(1), 5000, URI.create("http://127.0.0.1:9"), "t",
                dir.resolve("spool"), Duration.ofMillis(200), new CaptureAnalyzer.Config(new ScanDetector.Config(1, 480, 4000),
                        DosDetector.Config.defaults(), 0, 20));
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LiveSensor sensor = new LiveSensor(bounded, PacketClassifier.builtIn(), log::add);
             CaptureReader reader = CaptureReader.open(capture)) {
            sensor.consume(reader);
            sensor.cut(false);
            sensor.cut(false); // nothing new: nothing more to say
        }
        List<String> bound = log.stream().filter(l -> l.startsWith("state bound reached")).toList();
        assertThat(bound).singleElement().asString().matches(
                "state bound reached \\(4000 entries\\): [1-9][0-9]* entries ended early to make room since the last batch, least recently"
                        + " seen first \\([1-9][0-9]* of them with activity missing from their batch\\); raise --max-state-entries");
        // The newest sources are tracked: the last one sent is in the first batch's sources, its packets counted in full.
        ObservationBatch first = spooled().stream().filter(b -> b.packets() > 0).findFirst().orElseThrow();
        assertThat(first.packets()).isEqualTo(10_000);
        assertThat(first.sourceCount()).isBetween(3000L, 4000L);
        assertThat(first.stateEntriesEvicted()).as("state_entries_evicted").isEqualTo(Long.parseLong(bound.get(0).replaceAll(".*: (\\d+) entries ended.*", "$1")));
        assertThat(first.sources().stream().map(SourceActivity::source)).contains("203.0.39.15"); // 203.0.0.0 + 9,999
    }

    @Test
    void endOfInputHandsOutTheOpenEpisodesInChunks() throws Exception {
        Path capture = syns(dir.resolve("syns.pcap"), 24_000);
        try (CaptureAnalyzer analyzer = new CaptureAnalyzer(everySourceScans(), PacketClassifier.builtIn());
             CaptureReader reader = CaptureReader.open(capture)) {
            analyzer.liveMode();
            PacketRecord r = new PacketRecord();
            while (reader.next(r)) analyzer.accept(r);
            assertThat(analyzer.cutInterval(100).scanEvents()).hasSize(24_000)
                    .allSatisfy(c -> assertThat(c.state()).isEqualTo(EventState.STARTED));
            List<Integer> chunks = new ArrayList<>();
            Set<String> ended = new HashSet<>();
            CaptureAnalyzer.Episodes e;
            do {
                e = analyzer.endEpisodes(10_000);
                chunks.add(e.scans().size() + e.dos().size());
                for (ScanCampaign c : e.scans()) {
                    assertThat(c.state()).isEqualTo(EventState.ENDED);
                    ended.add(c.source());
                }
            } while (!e.done());
            assertThat(chunks).containsExactly(10_000, 10_000, 4_000);
            assertThat(ended).hasSize(24_000);
            assertThat(analyzer.endEpisodes(10_000).scans()).as("nothing left open").isEmpty();
        }
    }

    @Test
    void atEndOfInputTheLastIntervalAndTheEndedEpisodesGoOutAsParts() throws Exception {
        Path capture = syns(dir.resolve("syns.pcap"), 24_000);
        try (LiveSensor sensor = new LiveSensor(config(), PacketClassifier.builtIn(), m -> { });
             CaptureReader reader = CaptureReader.open(capture)) {
            sensor.consume(reader);
            assertThat(sensor.finish()).as("nobody listens: the parts stay spooled").isFalse();
        }
        List<ObservationBatch> parts = spooled();
        // 24,000 STARTED of the interval, then 24,000 ENDED at end of input.
        assertThat(parts).extracting(ObservationBatch::part).containsExactly(1, 2, 3, 4, 5);
        assertThat(parts).extracting(ObservationBatch::eventCount).containsExactly(10_000, 10_000, 10_000, 10_000, 8_000);
        assertThat(parts).extracting(ObservationBatch::moreParts).containsExactly(true, true, true, true, false);
        assertThat(parts.stream().mapToLong(ObservationBatch::packets).sum()).isEqualTo(24_000);
        assertThat(parts.stream().flatMap(b -> b.scanEvents().stream()).filter(c -> c.state() == EventState.ENDED).count())
                .isEqualTo(24_000);
    }

    @Test
    void aBatchWithoutPartFieldsIsPartOneOfOne() throws IOException {
        UUID id = UUID.randomUUID();
        ObservationBatch b = ObservationBatch.fromJson("""
                {"schema_version":1,"batch_id":"%s","sensor_id":"old","packets":1,"bytes":60}""".formatted(id));
        assertThat(b.part()).isEqualTo(1);
        assertThat(b.firstBatchId()).isEqualTo(id);
        assertThat(b.moreParts()).isFalse();
        assertThat(b.toJson()).contains("\"part\":1", "\"first_batch_id\":\"" + id + "\"", "\"more_parts\":false");
    }

    @Test
    void aPartThatIsNotANumberOrABadFirstBatchIdIsNamed() {
        String base = "{\"schema_version\":1,\"batch_id\":\"" + UUID.randomUUID() + "\",\"sensor_id\":\"s\",";
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ObservationBatch.fromJson(base + "\"part\":\"second\"}")))
                .isInstanceOf(IOException.class).hasMessageContaining("part must be a whole number");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ObservationBatch.fromJson(base + "\"first_batch_id\":\"nope\"}")))
                .isInstanceOf(IOException.class).hasMessageContaining("first_batch_id must be a UUID");
    }

    @Test
    void followingADirectoryForgetsFilesThatRotationDeleted() throws Exception {
        Path watch = Files.createDirectories(dir.resolve("captures"));
        for (String name : List.of("dn-1.pcap", "dn-2.pcap", "dn-3.pcap")) syns(watch.resolve(name), 10);
        Path state = dir.resolve("spool").resolve("files-read.txt");
        try (LiveSensor sensor = new LiveSensor(config(), PacketClassifier.builtIn(), m -> { })) {
            // The newest file counts as still being written (interval 1 h), so a pass reads all but it.
            AtomicInteger passes = new AtomicInteger();
            sensor.follow(watch, () -> passes.getAndIncrement() < 1);
            assertThat(Files.readAllLines(state)).containsExactly("dn-1.pcap", "dn-2.pcap");

            // Rotation: the oldest goes, a new one comes; the next pass reads dn-3 and forgets dn-1.
            Files.delete(watch.resolve("dn-1.pcap"));
            syns(watch.resolve("dn-4.pcap"), 10);
            passes.set(0);
            sensor.follow(watch, () -> passes.getAndIncrement() < 1);
            assertThat(Files.readAllLines(state)).containsExactlyInAnyOrder("dn-2.pcap", "dn-3.pcap");
            assertThat(sensor.rememberedFiles()).isEqualTo(2);

            // Many rotations later only the names still present are remembered.
            for (int i = 5; i < 40; i++) {
                try (var s = Files.list(watch)) {
                    for (Path p : s.sorted().toList().subList(0, 1)) Files.delete(p);
                }
                syns(watch.resolve(String.format("dn-%02d.pcap", i)), 1);
                passes.set(0);
                sensor.follow(watch, () -> passes.getAndIncrement() < 1);
            }
            try (var s = Files.list(watch)) {
                assertThat(s.count()).isEqualTo(3);
            }
            assertThat(sensor.rememberedFiles()).isLessThanOrEqualTo(3);
            assertThat(Files.readAllLines(state)).hasSizeLessThanOrEqualTo(3);
        }
    }
}
