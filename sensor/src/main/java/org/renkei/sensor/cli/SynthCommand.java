package org.renkei.sensor.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.renkei.sensor.detect.Addresses;
import org.renkei.sensor.observe.Json;
import org.renkei.sensor.synth.PacedSynStream;
import org.renkei.sensor.synth.TrafficSynthesizer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code synth --out FILE}: writes a labelled synthetic darknet capture. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Write a synthetic darknet capture with a known mix (Mirai, Masscan, ZMap, large-scale and research",
                "scanners, background radiation, DoS backscatter, malformed records) and its ground-truth labels,",
                "or (--syn-workload) the benchmark's 60-byte SYN workload."})
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Capture to write (pcap); '-' is standard output.")
    Path out;

    @Option(names = "--labels", paramLabel = "FILE", description = "Where to write the ground truth (JSON); default FILE.labels.json.")
    Path labels;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--syn-workload", paramLabel = "PACKETS", defaultValue = "0",
            description = "Instead of the labelled mix, write PACKETS 60-byte SYNs (benchmark workload).")
    int synPackets;

    @Option(names = "--sources", description = "Distinct sources in the SYN workload (default 2000000) or the paced stream (default 100000).")
    Integer sources;

    @Option(names = "--paced", paramLabel = "PPS", defaultValue = "0",
            description = {"Instead, write an endless stream of 60-byte SYNs at PPS packets per second of wall-clock time (capture",
                    "timestamps follow), each source scanning one port; for 'synth --paced 100000 --out - | renkei sensor ...'."})
    long pacedRate;

    @Option(names = "--seconds", defaultValue = "0", paramLabel = "N", description = "With --paced: stop after N seconds (PPS × N packets; default: until the reader exits).")
    long seconds;

    @Option(names = "--rate", defaultValue = "100000", description = "Packets per second of capture time in the SYN workload (default ${DEFAULT-VALUE}).")
    int rate;

    @Override
    public Integer call() {
        if (pacedRate > 0) return paced();
        if (out.toString().equals("-")) {
            System.err.println("synth: --out - (standard output) is only for --paced; give a file name");
            return 2;
        }
        int sources = this.sources == null ? 2_000_000 : this.sources;
        try {
            if (synPackets > 0) {
                TrafficSynthesizer.writeSynWorkload(out, synPackets, Math.min(sources, synPackets), rate, seed);
                System.err.printf("synth: wrote %,d SYNs from %,d sources to %s%n", synPackets, Math.min(sources, synPackets), out);
                return 0;
            }
            TrafficSynthesizer.Truth truth = TrafficSynthesizer.write(out, TrafficSynthesizer.Config.defaults(seed));
            Path labelFile = labels != null ? labels : Path.of(out + ".labels.json");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("capture", out.toString());
            doc.put("seed", seed);
            doc.put("packets", truth.packets());
            doc.put("darknet", "198.18.0.0/16");
            doc.put("actors", truth.actors().stream().filter(a -> a.address() != 0).map(a -> Map.of(
                    "kind", a.kind().name().toLowerCase(), "source", Addresses.ipv4(a.address()),
                    "fingerprint", a.fingerprint() == null ? "" : a.fingerprint(),
                    "scan_ports", List.copyOf(a.scanPorts()), "dos_victim", a.dosVictim())).toList());
            Files.writeString(labelFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            System.err.printf("synth: wrote %,d packets to %s and labels to %s%n", truth.packets(), out, labelFile);
            return 0;
        } catch (IOException e) {
            System.err.println("synth: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
    }

    /** Clock of the paced stream; tests replace it. */
    PacedSynStream.Clock clock = PacedSynStream.SYSTEM;

    private Integer paced() {
        int n = sources == null ? 100_000 : sources;
        if (n < 1) {
            System.err.println("synth: --sources must be at least 1");
            return 2;
        }
        boolean stdout = out.toString().equals("-");
        try (OutputStream os = stdout ? new FileOutputStream(FileDescriptor.out) : Files.newOutputStream(out)) {
            long written = PacedSynStream.write(os, pacedRate, seconds, n, seed, clock);
            System.err.printf("synth: wrote %,d packets at %,d packets/s from %,d sources%n", written, pacedRate, n);
            return 0;
        } catch (IOException e) {
            // The usual end of an endless stream: the reader of the pipe exited.
            System.err.println("synth: output closed (" + e.getMessage() + "); stopping");
            return seconds > 0 ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
