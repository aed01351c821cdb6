package org.renkei.sensor.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.observe.LiveSensor;
import org.renkei.sensor.pcap.CaptureFormatException;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.report.CaptureAnalyzer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sensor}: live mode, reporting observation batches to a Renkei center. */
@Command(name = "sensor", mixinStandardHelpOptions = true,
        description = {"Live mode: read a pcap stream (default: standard input, e.g. 'tcpdump -i IF -w - | renkei sensor ...')",
                "or follow a directory of rotating captures, and send the center one observation batch per interval.",
                "Batches are spooled to disk first and resent after a restart until the center acknowledges them."})
public final class SensorCommand implements Callable<Integer> {
    @Option(names = "--center", required = true, paramLabel = "URL", description = "Base URL of the Renkei center, e.g. https://center.example:8443")
    URI center;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:RENKEI_SENSOR_TOKEN}",
            description = "Bearer token of a sensor-role account (default: $RENKEI_SENSOR_TOKEN).")
    String token;

    @Option(names = "--sensor-id", paramLabel = "ID", description = "Name of this sensor in batches (default: the host name).")
    String sensorId;

    @Option(names = "--interval", defaultValue = "60", paramLabel = "SECONDS", description = "Seconds per observation batch (default ${DEFAULT-VALUE}).")
    long intervalSeconds;

    @Option(names = "--spool", defaultValue = "renkei-sensor-spool", paramLabel = "DIR",
            description = "Directory for batches not yet acknowledged (default ./${DEFAULT-VALUE}).")
    Path spool;

    @Option(names = "--input", defaultValue = "-", paramLabel = "FILE", description = "Capture to read; '-' (default) is standard input.")
    String input;

    @Option(names = "--watch", paramLabel = "DIR", description = "Follow a directory of rotating capture files instead of --input.")
    Path watch;

    @Option(names = "--max-sources", defaultValue = "10000", paramLabel = "N", description = "Sources detailed per batch, at most "
            + "50000; the rest are counted (default ${DEFAULT-VALUE}).")
    int maxSources;

    /** Bound of --max-sources: keeps a batch's source list (and JSON) to tens of MB. */
    static final int MAX_SOURCES_LIMIT = 50_000;

    @Option(names = "--scan-min-destinations", defaultValue = "100", paramLabel = "N", description = "Distinct destinations that make a scan (default ${DEFAULT-VALUE}).")
    int scanMinDestinations;

    @Option(names = "--scan-expiry", defaultValue = "480", paramLabel = "SECONDS", description = "Silence that ends a scan (default ${DEFAULT-VALUE} s).")
    long scanExpiry;

    @Option(names = {"-v", "--verbose"}, description = "Log one line per interval on stderr: packets, sources, parts, batches cut and sent.")
    boolean verbose;

    @Option(names = "--darknet-size", defaultValue = "0", paramLabel = "ADDRESSES", description = "Addresses monitored (default: distinct destinations seen).")
    long darknetSize;

    @Option(names = "--max-state-entries", defaultValue = "10000000", description = "Bound on (source, protocol, port) entries kept: 64 bytes each off-heap, plus a 64-byte bitmap for those that reach 11 distinct destination buckets; the default is a table of at most 1 GiB. At the bound the least recently seen quarter of the entries is ended early to make room (default ${DEFAULT-VALUE}).")
    long maxEntries;

    @Option(names = "--drain-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "At end of input, how long to keep trying to send spooled batches (default ${DEFAULT-VALUE}); unsent ones stay spooled.")
    long drainSeconds;

    @Override
    public Integer call() {
        if (token == null || token.isBlank()) {
            System.err.println("sensor: no token: pass --token or set RENKEI_SENSOR_TOKEN to a sensor-role token issued by the center");
            return 2;
        }
        if (!"http".equals(center.getScheme()) && !"https".equals(center.getScheme())) {
            System.err.println("sensor: --center must be an http(s) URL, got " + center);
            return 2;
        }
        if (intervalSeconds < 1) {
            System.err.println("sensor: --interval must be at least 1 second");
            return 2;
        }
        if (maxSources < 0 || maxSources > MAX_SOURCES_LIMIT) {
            System.err.printf("sensor: --max-sources must be between 0 and %,d (the limit keeps each batch's source list bounded), got %,d%n",
                    MAX_SOURCES_LIMIT, maxSources);
            return 2;
        }
        if (scanMinDestinations < 1 || scanExpiry < 1) {
            System.err.println("sensor: --scan-min-destinations and --scan-expiry must be at least 1");
            return 2;
        }
        String id = sensorId;
        if (id == null) {
            try {
                id = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                id = "sensor";
            }
        }
        CaptureAnalyzer.Config analyzerConfig = new CaptureAnalyzer.Config(
                new ScanDetector.Config(scanMinDestinations, scanExpiry, maxEntries), DosDetector.Config.defaults(), darknetSize, 20);
        LiveSensor.Config config = new LiveSensor.Config(id, Duration.ofSeconds(intervalSeconds), maxSources, center, token, spool,
                Duration.ofSeconds(drainSeconds), analyzerConfig);
        try (LiveSensor sensor = new LiveSensor(config, PacketClassifier.builtIn(), m -> System.err.println("sensor: " + m))) {
            sensor.verbose(verbose);
            System.err.println("sensor: " + id + " sending to " + sensor.sender().endpoint() + " every " + intervalSeconds + " s, spool " + spool.toAbsolutePath());
            if (watch != null) {
                sensor.follow(watch, () -> true);
            } else {
                try (CaptureReader reader = input.equals("-") ? CaptureReader.open(System.in, "stdin") : CaptureReader.open(Path.of(input))) {
                    sensor.consume(reader);
                }
            }
            boolean drained = sensor.finish();
            System.err.printf("sensor: end of input; %d batches sent, %d left in %s%n", sensor.sender().sent(),
                    drained ? 0 : countSpooled(), spool);
            return 0;
        } catch (NoSuchFileException e) {
            System.err.println("sensor: no such file: " + e.getFile());
            return 2;
        } catch (CaptureFormatException e) {
            System.err.println("sensor: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("sensor: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private long countSpooled() {
        try (var s = java.nio.file.Files.list(spool)) {
            return s.filter(p -> p.toString().endsWith(".json")).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
