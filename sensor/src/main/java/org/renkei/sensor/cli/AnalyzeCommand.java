package org.renkei.sensor.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.renkei.sensor.classify.FingerprintRules;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.DosAttack;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.detect.SourceActivity;
import org.renkei.sensor.observe.Json;
import org.renkei.sensor.pcap.CaptureFormatException;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.report.AnalysisReport;
import org.renkei.sensor.report.CaptureAnalyzer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code analyze FILE... [--json]}: reads captures and prints what the darknet saw. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Read pcap/pcapng captures (optionally gzip-compressed; '-' for stdin) and report packets, protocols,",
                "top ports and sources, scanner fingerprints, scan campaigns, DoS victims inferred from backscatter,",
                "and malformed records skipped."})
public final class AnalyzeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Capture files; '-' reads standard input.")
    List<String> files;

    @Option(names = "--json", description = "Print the report as JSON (snake_case fields, RFC 3339 UTC times).")
    boolean json;

    @Option(names = "--top", defaultValue = "20", description = "How many ports and sources to list (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--darknet-size", defaultValue = "0", paramLabel = "ADDRESSES",
            description = "Addresses the capture monitors, for scan coverage and attack-rate estimates; default: the distinct destinations seen.")
    long darknetSize;

    @Option(names = "--scan-min-destinations", defaultValue = "100", description = "Distinct destinations that make a scan (default ${DEFAULT-VALUE}).")
    int scanMinDestinations;

    @Option(names = "--scan-expiry", defaultValue = "480", paramLabel = "SECONDS", description = "Silence that ends a scan (default ${DEFAULT-VALUE} s).")
    long scanExpiry;

    @Option(names = "--max-state-entries", defaultValue = "10000000",
            description = "Bound on (source, protocol, port) entries kept: 64 bytes each off-heap, plus a 64-byte bitmap for those that reach 11 distinct destination buckets; the default is a table of at most 1 GiB. At the bound the least recently seen quarter of the entries is ended early to make room (default ${DEFAULT-VALUE}).")
    long maxEntries;

    @Option(names = "--rules", paramLabel = "FILE", description = "Fingerprint rules (JSON) replacing the built-in ones.")
    Path rules;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress line on a terminal for inputs over 64 MiB (default on).")
    boolean progress;

    @Option(names = "--decode-thread", negatable = true,
            description = {"Read and decode on a second thread while this one classifies and detects (same report).",
                    "Default: on for (uncompressed) files over 1 MiB when the machine has 2 or more cores."})
    Boolean decodeThread;

    /** Files smaller than this are read on one thread by default: starting a second one would not pay. */
    static final long DECODE_THREAD_MIN_BYTES = 1L << 20;

    static boolean useDecodeThread(Boolean option, long fileBytes, int cores) {
        return option != null ? option : fileBytes > DECODE_THREAD_MIN_BYTES && cores >= 2;
    }

    @Override
    public Integer call() {
        PrintStream err = System.err;
        CaptureAnalyzer.Config config = new CaptureAnalyzer.Config(
                new ScanDetector.Config(scanMinDestinations, scanExpiry, maxEntries), DosDetector.Config.defaults(), darknetSize, top);
        long totalBytes = 0;
        for (String f : files) {
            if (!f.equals("-")) {
                try {
                    totalBytes += Files.size(Path.of(f));
                } catch (IOException ignored) {
                    // reported when the file is opened
                }
            }
        }
        // First, so that the table's pages are faulted in while the rules load.
        long expectedPackets = CaptureAnalyzer.expectedPackets(totalBytes);
        CaptureAnalyzer.prepare(config, expectedPackets);
        PacketClassifier classifier;
        try {
            classifier = rules == null ? PacketClassifier.builtIn() : new PacketClassifier(FingerprintRules.load(rules));
        } catch (IOException | IllegalArgumentException e) {
            err.println("analyze: " + e.getMessage());
            return 2;
        }
        int failures = 0;
        Progress bar = new Progress(err, totalBytes, progress && System.console() != null && totalBytes > (64L << 20));
        AnalysisReport report;
        try (CaptureAnalyzer analyzer = new CaptureAnalyzer(config, classifier)) {
            analyzer.expectPackets(expectedPackets);
            for (String f : files) {
                try (CaptureReader reader = f.equals("-") ? CaptureReader.open(System.in, "stdin") : CaptureReader.open(Path.of(f))) {
                    bar.startFile(reader);
                    analyzer.readAll(reader, f, () -> bar.update(analyzer.packets()),
                            useDecodeThread(decodeThread, reader.sizeIfKnown(), Runtime.getRuntime().availableProcessors()));
                    bar.endFile(reader);
                } catch (NoSuchFileException e) {
                    failures++;
                    analyzer.unreadable(f + ": no such file");
                    err.println("analyze: " + f + ": no such file");
                } catch (CaptureFormatException e) {
                    failures++;
                    analyzer.unreadable(e.getMessage());
                    err.println("analyze: " + e.getMessage());
                } catch (IOException e) {
                    failures++;
                    analyzer.unreadable(f + ": " + e.getMessage());
                    err.println("analyze: cannot read " + f + ": " + e.getMessage());
                }
            }
            bar.done(analyzer.packets());
            report = analyzer.finish();
        }
        PrintWriter out = spec != null ? spec.commandLine().getOut() : new PrintWriter(System.out, true);
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            printText(out, report);
        }
        out.flush();
        return failures == 0 ? 0 : (failures == files.size() ? 2 : 1);
    }

    static void printText(PrintWriter out, AnalysisReport r) {
        out.printf("Files:            %s%n", String.join(", ", r.files()));
        out.printf("Packets:          %,d (%,d bytes)%n", r.packets(), r.bytes());
        out.printf("Time span:        %s .. %s (%.1f s)%n", r.firstPacket(), r.lastPacket(), r.durationSeconds());
        out.printf("Darknet size:     %,d addresses%s%n", r.darknetSize(), "");
        out.printf("Distinct sources: ~%,d%n", r.distinctSources());
        out.printf("Decode status:    %s%n", r.decodeStatus());
        out.printf("Protocols:        %s%n", r.protocols());
        out.printf("Packet classes:   %s%n", r.packetClasses());
        out.printf("Top TCP ports:    %s%n", r.topTcpPorts().stream().map(p -> p.port() + "=" + p.packets()).toList());
        out.printf("Top UDP ports:    %s%n", r.topUdpPorts().stream().map(p -> p.port() + "=" + p.packets()).toList());
        out.println("Top sources:");
        for (SourceActivity s : r.topSources()) {
            out.printf("  %-39s %,10d pkts  %,7d dsts  ports %s  %s%s%n", s.source(), s.packets(), s.distinctDestinations(),
                    s.ports(), s.classes(), s.fingerprints().isEmpty() ? "" : "  " + s.fingerprints());
        }
        out.println("Fingerprints:");
        for (AnalysisReport.FingerprintCount f : r.fingerprints()) {
            out.printf("  %-22s %,10d pkts  ~%,d sources%n", f.id(), f.packets(), f.sources());
        }
        out.printf("Scan campaigns:   %d%n", r.campaigns().size());
        for (ScanCampaign c : r.campaigns()) {
            out.printf("  %-39s %s/%s  %s .. %s  %,d probes  ~%,d dsts  %.1f pps  coverage %.1f%%%s%n", c.source(), c.protocol(),
                    c.port() == null ? "-" : c.port(), c.start(), c.end(), c.packets(), c.distinctDestinations(), c.packetsPerSecond(),
                    100 * c.coverage(), c.fingerprints().isEmpty() ? "" : "  " + c.fingerprints());
        }
        out.printf("DoS victims:      %d%n", r.dosAttacks().size());
        for (DosAttack a : r.dosAttacks()) {
            out.printf("  %-39s %s ports %s  %s .. %s  %,d pkts  peak %d/60s  ~%,.0f attack pps%n", a.victim(), a.protocol(), a.ports(),
                    a.start(), a.end(), a.packets(), a.peakPacketsPer60s(), a.estimatedAttackPacketsPerSecond());
        }
        out.printf("Malformed records skipped: %s%n", r.malformedRecordsSkipped().isEmpty() ? "none" : "");
        for (Map.Entry<String, Long> e : r.malformedRecordsSkipped().entrySet()) out.printf("  %,d  %s%n", e.getValue(), e.getKey());
        if (!r.unreadableFiles().isEmpty()) {
            out.println("Unreadable files:");
            r.unreadableFiles().forEach(u -> out.println("  " + u));
        }
        AnalysisReport.State st = r.state();
        if (st.scanEntriesEvicted() > 0 || st.scanKeysDropped() > 0 || st.dosKeysDropped() > 0) {
            out.printf("State bound reached (%,d scan entries): %,d entries ended early to make room, least recently seen first"
                    + " (%,d with activity missing from the top sources); %,d scan and %,d DoS keys dropped. Raise --max-state-entries.%n",
                    st.scanEntriesMax(), st.scanEntriesEvicted(), st.scanEntriesEvictedWithActivity(), st.scanKeysDropped(), st.dosKeysDropped());
        }
        if (st.dosEntriesEvicted() > 0) {
            out.printf("DoS state bound reached: %,d backscatter vectors ended early to make room for new victims, least recently seen first.%n",
                    st.dosEntriesEvicted());
        }
    }

    /** A one-line progress display on stderr: bytes/s, packets/s, ETA. */
    static final class Progress {
        private final PrintStream err;
        private final long totalBytes;
        private final boolean enabled;
        private final long start = System.nanoTime();
        private long doneBytes;
        private CaptureReader current;
        private long lastPrint;

        Progress(PrintStream err, long totalBytes, boolean enabled) {
            this.err = err;
            this.totalBytes = totalBytes;
            this.enabled = enabled;
        }

        void startFile(CaptureReader r) {
            current = r;
        }

        void endFile(CaptureReader r) {
            doneBytes += r.sizeIfKnown() > 0 ? r.sizeIfKnown() : 0;
            current = null;
        }

        void update(long packets) {
            if (!enabled) return;
            long now = System.nanoTime();
            if (now - lastPrint < 250_000_000L) return;
            lastPrint = now;
            long bytes = doneBytes + (current != null && current.sizeIfKnown() > 0 ? current.bytesConsumed() : 0);
            double secs = (now - start) / 1e9;
            double bps = bytes / secs;
            double eta = bps > 0 ? (totalBytes - bytes) / bps : 0;
            err.printf("\r%5.1f%%  %,.0f MB/s  %,.0f packets/s  ETA %.0f s   ", 100.0 * bytes / Math.max(1, totalBytes), bps / 1e6,
                    packets / secs, eta);
        }

        void done(long packets) {
            if (enabled) err.printf("\r%,d packets in %.1f s%40s%n", packets, (System.nanoTime() - start) / 1e9, "");
        }
    }
}
