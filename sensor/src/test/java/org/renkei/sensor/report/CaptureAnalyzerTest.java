package org.renkei.sensor.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.sensor.classify.PacketClassifier;
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
