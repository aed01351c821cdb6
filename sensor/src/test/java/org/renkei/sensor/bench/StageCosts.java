package org.renkei.sensor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.renkei.sensor.classify.PacketClass;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.decode.PacketDecoder;
import org.renkei.sensor.detect.DistinctCounter;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;
import org.renkei.sensor.report.CaptureAnalyzer;
import org.renkei.sensor.synth.TrafficSynthesizer;

/**
 * Where a packet's CPU time goes, stage by stage, in nanoseconds of the thread's CPU time per
 * packet (the {@link CpuTimeBenchmark} workload: 2 M 60-byte SYNs): reading alone; reading and
 * decoding; + class, fingerprint and the distinct counters' hashes; the whole pipeline with 1,000
 * sources (state in cache: compute) and with 1,000,000 (state in memory). The stages run in turn
 * in every round, so they see the same load; medians of the rounds after the first two.
 * {@code StageCosts [rounds (12)]}, test classpath like {@code CpuTimeBenchmark}.
 */
public final class StageCosts {
    private StageCosts() {
    }

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private static Path capture(int sources) throws java.io.IOException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "renkei-bench-" + PipelineBenchmark.PACKETS + "-" + sources + ".pcap");
        if (!Files.exists(file)) TrafficSynthesizer.writeSynWorkload(file, PipelineBenchmark.PACKETS, sources, 100_000, 42);
        return file;
    }

    private static CaptureAnalyzer analyzer(PacketClassifier classifier) {
        return new CaptureAnalyzer(new CaptureAnalyzer.Config(new ScanDetector.Config(100, 480, 4_000_000), DosDetector.Config.defaults(), 65536, 20),
                classifier);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        Path few = capture(1000), many = capture(1_000_000);
        PacketClassifier classifier = PacketClassifier.builtIn();
        PacketRecord r = new PacketRecord();
        DecodedPacket d = new DecodedPacket();
        String[] names = {"read", "read + decode", "read + decode + class, fingerprint, hashes", "pipeline, 1,000 sources",
                "pipeline, 1,000,000 sources"};
        double[][] ns = new double[names.length][rounds];
        long sink = 0;
        try (CaptureAnalyzer inCache = analyzer(classifier); CaptureAnalyzer inMemory = analyzer(classifier)) {
            for (int i = 0; i < rounds; i++) {
                long[] t = new long[names.length + 1];
                t[0] = MX.getCurrentThreadCpuTime();
                try (CaptureReader reader = CaptureReader.open(many)) {
                    while (reader.next(r)) sink += r.capturedLength;
                }
                t[1] = MX.getCurrentThreadCpuTime();
                try (CaptureReader reader = CaptureReader.open(many)) {
                    while (reader.next(r)) sink += PacketDecoder.decode(r, d).dstPort;
                }
                t[2] = MX.getCurrentThreadCpuTime();
                try (CaptureReader reader = CaptureReader.open(many)) {
                    while (reader.next(r)) {
                        PacketDecoder.decode(r, d);
                        PacketClass c = classifier.classify(d);
                        sink += classifier.fingerprint(d, c) + DistinctCounter.hashInt(d.src4) + DistinctCounter.hashInt(d.dst4);
                    }
                }
                t[3] = MX.getCurrentThreadCpuTime();
                try (CaptureReader reader = CaptureReader.open(few)) {
                    inCache.readAll(reader, "few", null);
                }
                t[4] = MX.getCurrentThreadCpuTime();
                try (CaptureReader reader = CaptureReader.open(many)) {
                    inMemory.readAll(reader, "many", null);
                }
                t[5] = MX.getCurrentThreadCpuTime();
                for (int k = 0; k < names.length; k++) ns[k][i] = (t[k + 1] - t[k]) / (double) PipelineBenchmark.PACKETS;
            }
        }
        for (int k = 0; k < names.length; k++) {
            double[] s = Arrays.copyOfRange(ns[k], Math.min(2, rounds - 1), rounds);
            Arrays.sort(s);
            System.out.printf("%-44s median %6.1f ns a packet (min %6.1f) = %5.2f M packets per CPU-second%n", names[k], s[s.length / 2], s[0],
                    1000 / s[s.length / 2]);
        }
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).trim() + (sink == 42 ? "!" : ""));
    }
}
