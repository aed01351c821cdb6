package org.renkei.sensor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.report.CaptureAnalyzer;
import org.renkei.sensor.synth.TrafficSynthesizer;

/**
 * The JMH pipeline workload measured in CPU time of the benchmark thread as well as wall
 * time: on a shared machine (load above the core count) wall-clock throughput mostly
 * measures the scheduler, while packets per CPU-second measure the code on one core.
 * {@code CpuTimeBenchmark [passes [sources]]} (default 8 passes, 1,000,000 sources).
 */
public final class CpuTimeBenchmark {
    private CpuTimeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int passes = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int packets = PipelineBenchmark.PACKETS;
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "renkei-bench-" + packets + "-" + sources + ".pcap");
        if (!Files.exists(file)) TrafficSynthesizer.writeSynWorkload(file, packets, sources, 100_000, 42);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        PacketClassifier classifier = PacketClassifier.builtIn();
        try (CaptureAnalyzer analyzer = new CaptureAnalyzer(new CaptureAnalyzer.Config(new ScanDetector.Config(100, 480, 4_000_000),
                DosDetector.Config.defaults(), 65536, 20), classifier)) {
            for (int pass = 0; pass < passes; pass++) {
                long cpu0 = mx.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                try (CaptureReader reader = CaptureReader.open(file)) {
                    analyzer.readAll(reader, "bench", null);
                }
                long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                long wall = System.nanoTime() - wall0;
                System.out.printf("pass %d (%s state): %.2f M packets per CPU-second, %.2f M packets per wall-second%n", pass,
                        pass == 0 ? "cold" : "steady", packets / (cpu / 1e3), packets / (wall / 1e3));
            }
        }
    }
}
