package org.renkei.sensor.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.renkei.sensor.classify.PacketClass;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.Addresses;
import org.renkei.sensor.detect.DosAttack;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;
import org.renkei.sensor.pcap.SkipReason;
import org.renkei.sensor.report.AnalysisReport;
import org.renkei.sensor.report.CaptureAnalyzer;

/**
 * Precision and recall of every classifier and detector on generated traffic with
 * known labels (goal ≥ 99 % each), and no scan source ever reported as a DoS victim.
 */
class GroundTruthTest {
    @TempDir Path dir;

    static LongStream seeds() {
        long base = Long.getLong("renkei.test.seed", System.currentTimeMillis());
        System.out.println("GroundTruthTest seed base: " + base + " (rerun with -Drenkei.test.seed=" + base + ")");
        return LongStream.of(base, base + 1, base + 2);
    }

    /** Confusion counts for one label. */
    static final class Score {
        long tp, fp, fn;

        void add(boolean expected, boolean predicted) {
            if (expected && predicted) tp++;
            else if (predicted) fp++;
            else if (expected) fn++;
        }

        double precision() {
            return tp + fp == 0 ? 1 : tp / (double) (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 1 : tp / (double) (tp + fn);
        }

        @Override
        public String toString() {
            return String.format("tp=%d fp=%d fn=%d precision=%.4f recall=%.4f", tp, fp, fn, precision(), recall());
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyClassifierAndDetectorReaches99PercentPrecisionAndRecall(long seed) throws IOException {
        System.out.println("seed " + seed);
        Path file = dir.resolve("synth-" + seed + ".pcap");
        TrafficSynthesizer.Truth truth = TrafficSynthesizer.write(file, TrafficSynthesizer.Config.defaults(seed));
        PacketClassifier classifier = PacketClassifier.builtIn();
        int nClasses = PacketClass.values().length;
        Score[] classScores = new Score[nClasses];
        for (int i = 0; i < nClasses; i++) classScores[i] = new Score();
        Score[] fpScores = new Score[TrafficSynthesizer.FINGERPRINTS.size()];
        for (int i = 0; i < fpScores.length; i++) fpScores[i] = new Score();

        AnalysisReport report;
        try (CaptureAnalyzer analyzer = new CaptureAnalyzer(CaptureAnalyzer.Config.defaults(), classifier);
             CaptureReader reader = CaptureReader.open(file)) {
            PacketRecord r = new PacketRecord();
            int k = 0;
            while (reader.next(r)) {
                PacketClass c = analyzer.accept(r);
                int fpIndex = classifier.fingerprint(analyzer.lastPacket(), c);
                String fp = fpIndex < 0 ? null : classifier.fingerprintId(fpIndex);
                for (int i = 0; i < nClasses; i++) classScores[i].add(truth.classOf()[k] == i, c.ordinal() == i);
                for (int i = 0; i < fpScores.length; i++) {
                    fpScores[i].add(truth.fingerprintOf()[k] == i, TrafficSynthesizer.FINGERPRINTS.get(i).equals(fp));
                }
                k++;
            }
            assertThat(k).as("records read").isEqualTo(truth.packets());
            assertThat(reader.skipped(SkipReason.TRUNCATED_RECORD)).isEqualTo(truth.truncatedTailRecords());
            analyzer.recordSkips(reader);
            report = analyzer.finish();
        }
        for (PacketClass c : PacketClass.values()) {
            Score s = classScores[c.ordinal()];
            System.out.println("class " + c + ": " + s);
            if (s.tp + s.fn == 0 && s.fp == 0) continue;
            assertThat(s.precision()).as("precision of class %s (seed %d): %s", c, seed, s).isGreaterThanOrEqualTo(0.99);
            assertThat(s.recall()).as("recall of class %s (seed %d): %s", c, seed, s).isGreaterThanOrEqualTo(0.99);
        }
        for (int i = 0; i < fpScores.length; i++) {
            Score s = fpScores[i];
            String id = TrafficSynthesizer.FINGERPRINTS.get(i);
            System.out.println("fingerprint " + id + ": " + s);
            assertThat(s.tp).as("fingerprint %s present", id).isPositive();
            assertThat(s.precision()).as("precision of fingerprint %s (seed %d): %s", id, seed, s).isGreaterThanOrEqualTo(0.99);
            assertThat(s.recall()).as("recall of fingerprint %s (seed %d): %s", id, seed, s).isGreaterThanOrEqualTo(0.99);
        }

        Set<String> expectedScans = new HashSet<>();
        Set<String> expectedVictims = new HashSet<>();
        Set<String> scanSources = new HashSet<>();
        for (TrafficSynthesizer.Actor a : truth.actors()) {
            for (int port : a.scanPorts()) expectedScans.add(Addresses.ipv4(a.address()) + "/" + port);
            if (!a.scanPorts().isEmpty()) scanSources.add(Addresses.ipv4(a.address()));
            if (a.dosVictim()) expectedVictims.add(Addresses.ipv4(a.address()));
        }
        Set<String> foundScans = report.campaigns().stream().map(c -> c.source() + "/" + c.port()).collect(Collectors.toSet());
        Set<String> foundVictims = report.dosAttacks().stream().map(DosAttack::victim).collect(Collectors.toSet());
        Score scans = new Score();
        Set<String> all = new HashSet<>(expectedScans);
        all.addAll(foundScans);
        for (String s : all) scans.add(expectedScans.contains(s), foundScans.contains(s));
        Score dos = new Score();
        Set<String> allVictims = new HashSet<>(expectedVictims);
        allVictims.addAll(foundVictims);
        for (String v : allVictims) dos.add(expectedVictims.contains(v), foundVictims.contains(v));
        System.out.println("scan campaigns: " + scans + "; DoS victims: " + dos);
        assertThat(scans.precision()).as("scan campaign precision %s, found %s", scans, foundScans).isGreaterThanOrEqualTo(0.99);
        assertThat(scans.recall()).as("scan campaign recall %s", scans).isGreaterThanOrEqualTo(0.99);
        assertThat(dos.precision()).as("DoS precision %s", dos).isGreaterThanOrEqualTo(0.99);
        assertThat(dos.recall()).as("DoS recall %s", dos).isGreaterThanOrEqualTo(0.99);
        assertThat(foundVictims).as("scan sources reported as DoS victims").doesNotContainAnyElementsOf(scanSources);
        for (ScanCampaign c : report.campaigns()) {
            assertThat(c.distinctDestinations()).isGreaterThanOrEqualTo(100);
            assertThat(c.coverage()).isBetween(0.0, 1.0);
        }
        assertThat(report.malformedRecordsSkipped()).hasSize(1);
    }
}
