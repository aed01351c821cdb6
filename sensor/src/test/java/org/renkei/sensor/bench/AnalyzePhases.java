package org.renkei.sensor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.observe.Json;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.report.AnalysisReport;
import org.renkei.sensor.report.CaptureAnalyzer;

/**
 * Where one {@code analyze FILE --json} run spends its time: JVM start-up (to main), setting up
 * the analyzer, the packet loop, the end-of-input report, and writing the JSON, each as wall
 * time, the main thread's CPU time, and the process's user and system CPU time (all threads:
 * the JIT, the GC, and any helper thread of the pipeline). Runs what {@code AnalyzeCommand}
 * runs with its defaults. {@code AnalyzePhases FILE [--no-decode-thread] [--no-presize]}.
 */
public final class AnalyzePhases {
    private AnalyzePhases() {
    }

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static long wall0, thread0, user0, sys0;

    private static long[] procTicks() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // utime, stime (fields 14, 15)
    }

    private static void mark() throws java.io.IOException {
        wall0 = System.nanoTime();
        thread0 = MX.getCurrentThreadCpuTime();
        long[] t = procTicks();
        user0 = t[0];
        sys0 = t[1];
    }

    private static void phase(String name) throws java.io.IOException {
        long[] t = procTicks();
        System.out.printf("%-22s %7.3f s wall  %7.3f s main-thread CPU  %6.2f s user  %6.2f s system (process)%n", name,
                (System.nanoTime() - wall0) / 1e9, (MX.getCurrentThreadCpuTime() - thread0) / 1e9, (t[0] - user0) / 100.0,
                (t[1] - sys0) / 100.0);
        mark();
    }

    public static void main(String[] args) throws Exception {
        long[] t = procTicks();
        System.out.printf("%-22s %7.3f s wall  %7.3f s main-thread CPU  %6.2f s user  %6.2f s system (process)%n", "JVM start-up to main",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1e3, MX.getCurrentThreadCpuTime() / 1e9, t[0] / 100.0, t[1] / 100.0);
        Path file = Path.of(args[0]);
        java.util.List<String> opts = java.util.Arrays.asList(args).subList(1, args.length);
        boolean decodeThread = !opts.contains("--no-decode-thread");
        boolean presize = !opts.contains("--no-presize");
        mark();
        PacketClassifier classifier = PacketClassifier.builtIn();
        CaptureAnalyzer.Config config = CaptureAnalyzer.Config.defaults();
        AnalysisReport report;
        try (CaptureAnalyzer analyzer = new CaptureAnalyzer(config, classifier)) {
            if (presize) analyzer.expectPackets(CaptureAnalyzer.expectedPackets(Files.size(file)));
            phase("set-up");
            try (CaptureReader reader = CaptureReader.open(file)) {
                analyzer.readAll(reader, file.toString(), null, decodeThread);
            }
            phase(decodeThread ? "packets (decode thread)" : "packets");
            report = analyzer.finish();
            phase("report");
        }
        String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        phase("JSON (" + json.length() / 1024 + " KiB)");
        System.out.printf("%,d packets; state: %s%n", report.packets(), report.state());
    }
}
