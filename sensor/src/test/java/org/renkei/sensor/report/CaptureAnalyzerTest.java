package org.renkei.sensor.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;
import org.renkei.sensor.synth.TrafficSynthesizer;

class CaptureAnalyzerTest {
    @TempDir Path dir;

    private AnalysisReport analyze(Path file, boolean grouped, boolean streamed) throws IOException {
        try (CaptureAnalyzer a = new CaptureAnalyzer(CaptureAnalyzer.Config.defaults(), PacketClassifier.builtIn());
             CaptureReader reader = streamed ? CaptureReader.open(Files.newInputStream(file), "x") : CaptureReader.open(file)) {
            if (grouped) {
                a.readAll(reader, "x", null);
            } else {
                a.addFile("x");
                PacketRecord r = new PacketRecord();
                while (reader.next(r)) a.accept(r);
                a.recordSkips(reader);
            }
            return a.finish();
        }
    }

    private static String analyzeJson(Path file, boolean decodeThread, long expectPackets) throws IOException {
        return analyzeJson(file, decodeThread, expectPackets, ScanDetector.canPrefetch());
    }

    private static String analyzeJson(Path file, boolean decodeThread, long expectPackets, boolean prefetch) throws IOException {
        try (CaptureAnalyzer a = new CaptureAnalyzer(CaptureAnalyzer.Config.defaults(), PacketClassifier.builtIn());
             CaptureReader reader = CaptureReader.open(file)) {
            a.prefetch = prefetch;
            a.expectPackets(expectPackets);
            a.readAll(reader, file.getFileName().toString(), null, decodeThread);
            return org.renkei.sensor.observe.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(a.finish());
        }
    }

    /**
     * With the decode thread (and the table presized for the file, and not) the report is the
     * same to the byte: the labelled mix (DoS, scans, malformed packets, a cut-short last record)
     * and a SYN workload of many sources whose length is no multiple of the ring's batches.
     */
    @Test
    void theDecodeThreadAndPresizingChangeNothingInTheReport() throws IOException {
        Path mix = dir.resolve("mix.pcap");
        TrafficSynthesizer.write(mix, new TrafficSynthesizer.Config(12, 900, 8, 2, 2, 2, 2, 500, 3, 10));
        Path syn = dir.resolve("syn.pcap");
        TrafficSynthesizer.writeSynWorkload(syn, 300_001, 50_000, 1_000, 5);
        for (Path f : List.of(mix, syn)) {
            String plain = analyzeJson(f, false, 0);
            assertThat(analyzeJson(f, true, 0)).as(f + " with the decode thread").isEqualTo(plain);
            assertThat(analyzeJson(f, true, CaptureAnalyzer.expectedPackets(Files.size(f)))).as(f + " presized, decode thread").isEqualTo(plain);
            assertThat(analyzeJson(f, false, CaptureAnalyzer.expectedPackets(Files.size(f)))).as(f + " presized").isEqualTo(plain);
            // Prefetching the next group's slots (where the machine can) or touching each group's: the same report.
            assertThat(analyzeJson(f, false, 0, false)).as(f + " touching, not prefetching").isEqualTo(plain);
            assertThat(analyzeJson(f, true, 0, false)).as(f + " touching, decode thread").isEqualTo(plain);
        }
    }

    /** This machine (Linux on x86-64) prefetches: the tests above then compare both ways of loading the slots. */
    @Test
    void thisMachinePrefetches() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux"));
        assertThat(ScanDetector.canPrefetch()).isTrue();
    }

    /**
     * Every capture of the tcpdump corpus gives the same report with the decode thread as without, and
     * touching the slots as prefetching them (or the same error).
     */
    @Test
    void theDecodeThreadChangesNothingOnTheCorpus() throws IOException {
        List<Path> files;
        try (var s = Files.list(org.renkei.sensor.corpus.TsharkCorpusTest.corpus())) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(800);
        int compared = 0;
        for (Path f : files) {
            String plain, threaded;
            try {
                plain = analyzeJson(f, false, 0);
            } catch (IOException | RuntimeException e) {
                plain = "error: " + e;
            }
            try {
                threaded = analyzeJson(f, true, 0);
            } catch (IOException | RuntimeException e) {
                threaded = "error: " + e;
            }
            assertThat(threaded).as(f.toString()).isEqualTo(plain);
            String touching;
            try {
                touching = analyzeJson(f, false, 0, false);
            } catch (IOException | RuntimeException e) {
                touching = "error: " + e;
            }
            assertThat(touching).as(f + ", touching instead of prefetching").isEqualTo(plain);
            if (!plain.startsWith("error")) compared++;
        }
        assertThat(compared).isGreaterThan(800);
    }

    /** The grouped (prefetching) path over a mapped file, the streamed path and packet-at-a-time agree exactly. */
    @Test
    void groupedStreamedAndSinglePacketPathsReportTheSame() throws IOException {
        Path file = dir.resolve("mix.pcap");
        TrafficSynthesizer.write(file, new TrafficSynthesizer.Config(11, 900, 8, 2, 2, 2, 2, 500, 3, 10));
        AnalysisReport single = analyze(file, false, false);
        AnalysisReport grouped = analyze(file, true, false);
        AnalysisReport streamed = analyze(file, true, true);
        assertThat(grouped).usingRecursiveComparison().ignoringFields("state").isEqualTo(single);
        assertThat(streamed).usingRecursiveComparison().ignoringFields("state").isEqualTo(single);
        assertThat(single.campaigns()).isNotEmpty();
        assertThat(single.dosAttacks()).isNotEmpty();
        assertThat(single.malformedRecordsSkipped()).containsKey("truncated_record: file ends inside a record");
    }
}
