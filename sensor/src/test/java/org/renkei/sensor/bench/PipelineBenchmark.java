package org.renkei.sensor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.renkei.sensor.classify.PacketClass;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.decode.PacketDecoder;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;
import org.renkei.sensor.report.CaptureAnalyzer;
import org.renkei.sensor.synth.TrafficSynthesizer;

/**
 * Packets per second on darknet-like traffic: 60-byte Ethernet TCP SYNs from a
 * million distinct sources, read from a memory-mapped pcap in the page cache, on one
 * thread. Scores are operations (= packets) per second.
 *
 * <ul>
 * <li>{@code read}: the pcap reader alone;</li>
 * <li>{@code decodeClassify}: + decode, class and fingerprint;</li>
 * <li>{@code steadyPipeline}: the whole {@link CaptureAnalyzer} (decode, classify, fingerprint,
 *     per-(source, port) aggregation and scan detection, DoS detection, counters) with the
 *     state table at its operating size (sources already known);</li>
 * <li>{@code coldPipeline}: the same from empty tables on every pass, so nearly every
 *     packet inserts a new source and the table grows from its initial size.</li>
 * </ul>
 * Run with {@code bench/sensor/jmh.sh} (see docs/sensor.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class PipelineBenchmark {
    public static final int PACKETS = 2_000_000;

    @Param({"1000000"})
    public int sources;

    private Path file;
    private final PacketClassifier classifier = PacketClassifier.builtIn();
    private final DecodedPacket decoded = new DecodedPacket();
    private final PacketRecord record = new PacketRecord();
    private CaptureAnalyzer analyzer;
    private CaptureAnalyzer warmAnalyzer;

    private void writeCapture() throws IOException {
        file = Path.of(System.getProperty("java.io.tmpdir"), "renkei-bench-" + PACKETS + "-" + sources + ".pcap");
        if (!Files.exists(file)) TrafficSynthesizer.writeSynWorkload(file, PACKETS, sources, 100_000, 42);
    }

    @Setup(Level.Trial)
    public void warmState() throws IOException {
        writeCapture();
        warmAnalyzer = newAnalyzer();
        steadyPipeline(); // the table reaches its operating size: later passes look sources up
    }

    @TearDown(Level.Trial)
    public void dropWarmState() {
        warmAnalyzer.close();
    }

    private CaptureAnalyzer newAnalyzer() {
        return new CaptureAnalyzer(new CaptureAnalyzer.Config(new ScanDetector.Config(100, 480, 4_000_000),
                DosDetector.Config.defaults(), 65536, 20), classifier);
    }

    @Setup(Level.Invocation)
    public void freshState() {
        analyzer = newAnalyzer();
    }

    @TearDown(Level.Invocation)
    public void dropState() {
        analyzer.close();
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long read() throws IOException {
        long bytes = 0;
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next(record)) bytes += record.capturedLength;
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void decodeClassify(Blackhole bh) throws IOException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next(record)) {
                PacketDecoder.decode(record, decoded);
                PacketClass c = classifier.classify(decoded);
                bh.consume(classifier.fingerprint(decoded, c));
            }
        }
    }

    /** Steady state: every source already has its entry (the table is at its operating size). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long steadyPipeline() throws IOException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            warmAnalyzer.readAll(reader, "bench", null);
        }
        return warmAnalyzer.packets();
    }

    /** Cold state: every pass starts with empty tables, so most packets insert a new source and the table grows. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long coldPipeline() throws IOException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            analyzer.readAll(reader, "bench", null);
        }
        return analyzer.packets();
    }
}
