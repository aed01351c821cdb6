package org.renkei.sensor.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.renkei.sensor.classify.PacketClass;
import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.pcap.PcapWriter;

/**
 * Writes a darknet capture with a known mix and returns its ground truth: every actor
 * (with what a correct sensor must conclude about it) and the expected class and
 * fingerprint of every packet.
 *
 * <p>The mix: Mirai bots (SYN to 23/2323, seq = dst), Masscan (XOR IP ID, window 1024),
 * ZMap before 4.1 (IP ID 54321), stateless large-scale scanners (window 1024, TTL ≥ 200,
 * no options), research scanners without a fingerprint, background radiation (a few
 * probes per source: SYN with options, UDP, ICMP echo), DoS backscatter from victims
 * above corsaro's thresholds (SYN-ACK, RST, ICMP unreachable quoting the victim, DNS
 * replies), backscatter below them, spoofed/invalid packets, malformed packets
 * (truncated, bad IP header, ARP) and a record cut short at the end of the file.
 */
public final class TrafficSynthesizer {
    /** The darknet: a /16, 65,536 addresses. */
    public static final int DARKNET_BASE = PacketBuilder.ip(198, 18, 0, 0);
    public static final int DARKNET_SIZE = 1 << 16;

    public enum Kind { MIRAI, MASSCAN, ZMAP, LARGE_SCALE, RESEARCH, BACKGROUND, DOS_VICTIM, MINOR_BACKSCATTER, SPOOFED }

    /**
     * @param fingerprint expected fingerprint id of its probes, or null
     * @param scanPorts ports on which it must be reported as a scan campaign (empty: never)
     * @param dosVictim whether it must be reported as a DoS victim
     */
    public record Actor(Kind kind, int address, String fingerprint, Set<Integer> scanPorts, boolean dosVictim) {
    }

    /**
     * Ground truth. Arrays are indexed by record order; malformed records carry class
     * {@code UNDECODED} and no fingerprint. {@code fingerprintOf} holds an index into
     * {@link #FINGERPRINTS} or -1.
     */
    public record Truth(List<Actor> actors, byte[] classOf, byte[] fingerprintOf, int packets, int truncatedTailRecords) {
    }

    public static final List<String> FINGERPRINTS = List.of("mirai", "masscan", "zmap", "large-scale-scanner");

    public record Config(long seed, int durationSeconds, int mirai, int masscan, int zmap, int largeScale, int research,
                         int background, int dosVictims, int minorBackscatter) {
        public static Config defaults(long seed) {
            return new Config(seed, 1200, 30, 4, 4, 4, 4, 3000, 6, 40);
        }
    }

    private final Random rnd;
    private final Config config;
    private final PacketBuilder b = new PacketBuilder();
    private final Set<Integer> usedAddresses = new HashSet<>();

    private TrafficSynthesizer(Config config) {
        this.config = config;
        this.rnd = new Random(config.seed());
    }

    public static Truth write(Path file, Config config) throws IOException {
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(file), 1, 65535, false)) {
            return new TrafficSynthesizer(config).run(w);
        }
    }

    private int publicAddress() {
        while (true) {
            int a = rnd.nextInt();
            int first = a >>> 24;
            if (first == 0 || first == 10 || first == 127 || first >= 224 || (a & 0xFFFF0000) == DARKNET_BASE || first == 198) continue;
            if (usedAddresses.add(a)) return a;
        }
    }

    private int darknet() {
        return DARKNET_BASE | rnd.nextInt(DARKNET_SIZE);
    }

    /** One scheduled packet: time in microseconds since the start, and its actor. */
    private final List<long[]> schedule = new ArrayList<>();

    private void plan(int actor, long startUs, long endUs, int count) {
        for (int i = 0; i < count; i++) {
            long t = startUs + (long) (rnd.nextDouble() * Math.max(1, endUs - startUs));
            schedule.add(new long[] {t, actor});
        }
    }

    private Truth run(PcapWriter w) throws IOException {
        List<Actor> actors = new ArrayList<>();
        long dur = config.durationSeconds() * 1_000_000L;
        List<int[]> extra = new ArrayList<>(); // per actor: style, port
        for (int i = 0; i < config.mirai(); i++) {
            // 300-700 probes, 90 % to port 23: a campaign on 23, never enough on 2323 (10 %) to be one.
            int n = 300 + rnd.nextInt(400);
            actors.add(new Actor(Kind.MIRAI, publicAddress(), "mirai", Set.of(23), false));
            extra.add(new int[] {0, 23});
            plan(actors.size() - 1, 0, dur, n);
        }
        for (int i = 0; i < config.masscan(); i++) {
            int port = new int[] {22, 80, 443, 3389, 8080, 5900}[rnd.nextInt(6)];
            actors.add(new Actor(Kind.MASSCAN, publicAddress(), "masscan", Set.of(port), false));
            extra.add(new int[] {0, port});
            long s = (long) (rnd.nextDouble() * dur / 2);
            plan(actors.size() - 1, s, s + 120_000_000L, 2000 + rnd.nextInt(3000));
        }
        for (int i = 0; i < config.zmap(); i++) {
            int port = new int[] {80, 443, 7547, 8443}[rnd.nextInt(4)];
            actors.add(new Actor(Kind.ZMAP, publicAddress(), "zmap", Set.of(port), false));
            extra.add(new int[] {0, port});
            long s = (long) (rnd.nextDouble() * dur / 2);
            plan(actors.size() - 1, s, s + 300_000_000L, 1500 + rnd.nextInt(2000));
        }
        for (int i = 0; i < config.largeScale(); i++) {
            int port = new int[] {21, 25, 110, 1433, 6379}[rnd.nextInt(5)];
            actors.add(new Actor(Kind.LARGE_SCALE, publicAddress(), "large-scale-scanner", Set.of(port), false));
            extra.add(new int[] {0, port});
            long s = (long) (rnd.nextDouble() * dur / 2);
            plan(actors.size() - 1, s, s + 200_000_000L, 800 + rnd.nextInt(1500));
        }
        for (int i = 0; i < config.research(); i++) {
            int port = new int[] {443, 853, 9200, 27017}[rnd.nextInt(4)];
            actors.add(new Actor(Kind.RESEARCH, publicAddress(), null, Set.of(port), false));
            extra.add(new int[] {0, port});
            plan(actors.size() - 1, 0, dur, 600 + rnd.nextInt(1000));
        }
        for (int i = 0; i < config.background(); i++) {
            actors.add(new Actor(Kind.BACKGROUND, publicAddress(), null, Set.of(), false));
            extra.add(new int[] {rnd.nextInt(3), 0});
            long s = (long) (rnd.nextDouble() * dur);
            plan(actors.size() - 1, s, Math.min(dur, s + 60_000_000L), 1 + rnd.nextInt(12));
        }
        for (int i = 0; i < config.dosVictims(); i++) {
            int style = i % 4; // 0 SYN-ACK, 1 RST-ACK, 2 ICMP unreachable quoting the victim, 3 DNS replies
            int port = switch (style) { case 0 -> 80; case 1 -> 443; case 2 -> 53; default -> 53; };
            actors.add(new Actor(Kind.DOS_VICTIM, publicAddress(), null, Set.of(), true));
            extra.add(new int[] {style, port});
            long s = (long) (rnd.nextDouble() * dur / 2);
            long len = (120 + rnd.nextInt(480)) * 1_000_000L;
            plan(actors.size() - 1, s, s + len, (int) (len / 1_000_000L) * (2 + rnd.nextInt(6)));
        }
        for (int i = 0; i < config.minorBackscatter(); i++) {
            // Below corsaro's thresholds: too few packets, or a burst shorter than 60 s.
            boolean burst = i % 2 == 0;
            actors.add(new Actor(Kind.MINOR_BACKSCATTER, publicAddress(), null, Set.of(), false));
            extra.add(new int[] {i % 4, i % 4 == 1 ? 443 : 80});
            long s = (long) (rnd.nextDouble() * (dur - 100_000_000L));
            if (burst) plan(actors.size() - 1, s, s + 30_000_000L, 40 + rnd.nextInt(60));
            else plan(actors.size() - 1, s, s + 600_000_000L, 5 + rnd.nextInt(15));
        }
        actors.add(new Actor(Kind.SPOOFED, 0, null, Set.of(), false));
        extra.add(new int[] {0, 0});
        plan(actors.size() - 1, 0, dur, 300);
        schedule.sort((x, y) -> Long.compare(x[0], y[0]));
        // Malformed packets: a few hundred spread through the capture.
        int malformed = 200;
        long[] malformedAt = new long[malformed];
        for (int i = 0; i < malformed; i++) malformedAt[i] = (long) (rnd.nextDouble() * dur);
        Arrays.sort(malformedAt);

        int total = schedule.size() + malformed;
        byte[] classOf = new byte[total];
        byte[] fpOf = new byte[total];
        Arrays.fill(fpOf, (byte) -1);
        long t0 = 1_763_000_000L * 1_000_000_000L;
        int mi = 0;
        int k = 0;
        for (long[] ev : schedule) {
            while (mi < malformed && malformedAt[mi] <= ev[0]) {
                writeMalformed(w, t0 + malformedAt[mi] * 1000, mi);
                classOf[k++] = (byte) PacketClass.UNDECODED.ordinal();
                mi++;
            }
            int ai = (int) ev[1];
            Actor a = actors.get(ai);
            int[] x = extra.get(ai);
            PacketClass cls = emit(a, x);
            int len = b.build();
            w.write(t0 + ev[0] * 1000, b.array(), len, len);
            classOf[k] = (byte) cls.ordinal();
            fpOf[k] = (byte) (a.fingerprint() == null ? -1 : FINGERPRINTS.indexOf(a.fingerprint()));
            k++;
        }
        while (mi < malformed) {
            writeMalformed(w, t0 + malformedAt[mi] * 1000, mi);
            classOf[k++] = (byte) PacketClass.UNDECODED.ordinal();
            mi++;
        }
        // A record header whose data the file does not contain: the reader must count it and stop.
        byte[] cut = new byte[16 + 10];
        cut[8] = 60;
        cut[12] = 60;
        w.writeRaw(cut);
        return new Truth(List.copyOf(actors), classOf, fpOf, total, 1);
    }

    private void writeMalformed(PcapWriter w, long ts, int i) throws IOException {
        byte[] full = new PacketBuilder().tcp(publicAddress(), darknet(), 1234, 80, DecodedPacket.SYN).copy();
        byte[] out = switch (i % 3) {
            case 0 -> Arrays.copyOf(full, 14 + 12); // IP header cut by the snaplen
            case 1 -> { full[14] = 0x42; yield full; } // IHL 2
            default -> { full[12] = 0x08; full[13] = 0x06; yield full; } // ARP ethertype
        };
        w.write(ts, out, out.length, full.length);
    }

    private PacketClass emit(Actor a, int[] x) {
        b.vlanTags = rnd.nextInt(10) == 0 ? 1 : 0;
        b.tcpOptionsLength = 0;
        b.payloadLength = 0;
        b.fragmentOffset = 0;
        b.moreFragments = false;
        int dst = darknet();
        switch (a.kind()) {
            case MIRAI -> {
                int port = rnd.nextInt(10) == 0 ? 2323 : 23;
                b.tcp(a.address(), dst, 1024 + rnd.nextInt(60000), port, DecodedPacket.SYN);
                b.seq = dst & 0xFFFFFFFFL;
                b.ttl = 30 + rnd.nextInt(35);
                b.window = 1 + rnd.nextInt(65535);
                b.ipId = rnd.nextInt(65536);
                return PacketClass.TCP_SYN_PROBE;
            }
            case MASSCAN -> {
                b.tcp(a.address(), dst, 61000, x[1], DecodedPacket.SYN);
                b.seq = rnd.nextInt() & 0xFFFFFFFFL;
                b.ipId = (dst ^ x[1] ^ (int) b.seq) & 0xFFFF;
                b.window = 1024;
                b.ttl = 240 + rnd.nextInt(16);
                return PacketClass.TCP_SYN_PROBE;
            }
            case ZMAP -> {
                b.tcp(a.address(), dst, 32768 + rnd.nextInt(28000), x[1], DecodedPacket.SYN);
                b.seq = rnd.nextInt() & 0xFFFFFFFFL;
                b.ipId = 54321;
                b.window = 65535;
                b.ttl = 240 + rnd.nextInt(16);
                avoidMirai(dst);
                return PacketClass.TCP_SYN_PROBE;
            }
            case LARGE_SCALE -> {
                b.tcp(a.address(), dst, 40000 + rnd.nextInt(20000), x[1], DecodedPacket.SYN);
                b.seq = rnd.nextInt() & 0xFFFFFFFFL;
                b.window = 1024;
                b.ttl = 200 + rnd.nextInt(56);
                do { b.ipId = rnd.nextInt(65536); } while (b.ipId == ((dst ^ x[1] ^ (int) b.seq) & 0xFFFF) || b.ipId == 54321);
                avoidMirai(dst);
                return PacketClass.TCP_SYN_PROBE;
            }
            case RESEARCH -> {
                b.tcp(a.address(), dst, 30000 + rnd.nextInt(30000), x[1], DecodedPacket.SYN);
                ordinarySyn(dst);
                return PacketClass.TCP_SYN_PROBE;
            }
            case BACKGROUND -> {
                switch (x[0]) {
                    case 0 -> {
                        b.tcp(a.address(), dst, 1024 + rnd.nextInt(60000), new int[] {22, 23, 80, 445, 3389, 8080, 5555}[rnd.nextInt(7)], DecodedPacket.SYN);
                        ordinarySyn(dst);
                        return PacketClass.TCP_SYN_PROBE;
                    }
                    case 1 -> {
                        b.udp(a.address(), dst, 20000 + rnd.nextInt(40000), new int[] {53, 123, 161, 1900, 5060, 37020}[rnd.nextInt(6)]);
                        b.payloadLength = 20 + rnd.nextInt(60);
                        b.ttl = 40 + rnd.nextInt(80);
                        b.ipId = notZmapId();
                        return PacketClass.UDP_PROBE;
                    }
                    default -> {
                        b.icmp(a.address(), dst, 8, 0);
                        b.payloadLength = 32;
                        b.ttl = 40 + rnd.nextInt(80);
                        b.ipId = notZmapId();
                        return PacketClass.ICMP_ECHO_PROBE;
                    }
                }
            }
            case DOS_VICTIM, MINOR_BACKSCATTER -> {
                return backscatter(a, x[0], x[1], dst);
            }
            case SPOOFED -> {
                int s = publicAddress();
                switch (rnd.nextInt(3)) {
                    case 0 -> b.tcp(dst, dst, 1000 + rnd.nextInt(1000), 80, DecodedPacket.SYN);
                    case 1 -> b.tcp(s, dst, 0, 80, DecodedPacket.SYN);
                    default -> b.tcp(s, dst, 4444, 80, DecodedPacket.SYN | DecodedPacket.FIN);
                }
                b.seq = rnd.nextInt() & 0xFFFFFFFFL;
                b.ipId = notZmapId();
                b.ttl = 64;
                b.window = 512;
                return PacketClass.SPOOFED_INVALID;
            }
        }
        throw new IllegalStateException();
    }

    private int notZmapId() {
        int id;
        do { id = rnd.nextInt(65536); } while (id == 54321);
        return id;
    }

    private void avoidMirai(int dst) {
        if (b.seq == (dst & 0xFFFFFFFFL)) b.seq++;
    }

    private void ordinarySyn(int dst) {
        b.tcpOptionsLength = 20;
        b.seq = rnd.nextInt() & 0xFFFFFFFFL;
        avoidMirai(dst);
        b.window = 29200 + rnd.nextInt(36000);
        b.ttl = 40 + rnd.nextInt(80);
        b.ipId = notZmapId();
    }

    private PacketClass backscatter(Actor a, int style, int port, int dst) {
        b.ttl = 40 + rnd.nextInt(80);
        b.ipId = rnd.nextInt(65536);
        switch (style) {
            case 0 -> {
                b.tcp(a.address(), dst, port, 1024 + rnd.nextInt(60000), DecodedPacket.SYN | DecodedPacket.ACK);
                b.seq = rnd.nextInt() & 0xFFFFFFFFL;
                b.ack = rnd.nextInt() & 0xFFFFFFFFL;
                b.tcpOptionsLength = 4;
                b.window = 65535;
            }
            case 1 -> {
                b.tcp(a.address(), dst, port, 1024 + rnd.nextInt(60000), DecodedPacket.RST | DecodedPacket.ACK);
                b.seq = 0;
                b.window = 0;
            }
            case 2 -> {
                // A router near the victim reports the victim unreachable: the quoted packet is the
                // spoofed one, from our darknet address to the victim.
                b.icmp(PacketBuilder.ip(203, 0, 113, 1 + rnd.nextInt(200)), dst, 3, 1);
                b.innerSrc4 = dst;
                b.innerDst4 = a.address();
                b.innerProtocol = 17;
                b.innerSrcPort = 1024 + rnd.nextInt(60000);
                b.innerDstPort = port;
            }
            default -> {
                b.udp(a.address(), dst, 53, 1024 + rnd.nextInt(60000));
                b.payloadLength = 60 + rnd.nextInt(400);
            }
        }
        return PacketClass.BACKSCATTER;
    }

    /** {@code n} random unicast IPv4 sources outside 0/8, 10/8, 127/8 and 224/3, drawn from {@code r}. */
    static int[] randomSources(Random r, int n) {
        int[] src = new int[n];
        for (int i = 0; i < n; i++) {
            int a;
            do { a = r.nextInt(); } while ((a >>> 24) == 0 || (a >>> 24) == 127 || (a >>> 24) >= 224 || (a >>> 24) == 10);
            src[i] = a;
        }
        return src;
    }

    /**
     * Writes {@code packets} 60-byte Ethernet TCP SYNs from {@code sources} distinct random
     * sources into a /16 darknet at {@code packetsPerSecond}: the benchmark workload.
     */
    public static void writeSynWorkload(Path file, int packets, int sources, int packetsPerSecond, long seed) throws IOException {
        Random r = new Random(seed);
        int[] src = randomSources(r, sources);
        PacketBuilder pb = new PacketBuilder();
        pb.payloadLength = 0;
        byte[] frame = new byte[60];
        long t0 = 1_763_000_000L * 1_000_000_000L;
        long step = 1_000_000_000L / packetsPerSecond;
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(file), 1, 65535, false)) {
            for (int i = 0; i < packets; i++) {
                int s = src[i < sources ? i : r.nextInt(sources)];
                int dst = DARKNET_BASE | r.nextInt(DARKNET_SIZE);
                pb.tcp(s, dst, 1024 + r.nextInt(60000), r.nextInt(8) == 0 ? 23 : new int[] {22, 80, 443, 445, 3389, 8080, 2323}[r.nextInt(7)], DecodedPacket.SYN);
                pb.seq = r.nextInt() & 0xFFFFFFFFL;
                pb.ipId = r.nextInt(65536);
                pb.ttl = 30 + r.nextInt(200);
                pb.window = r.nextBoolean() ? 1024 : 65535;
                int len = pb.build();
                System.arraycopy(pb.array(), 0, frame, 0, len);
                Arrays.fill(frame, len, 60, (byte) 0);
                w.write(t0 + i * step, frame, 60, 60);
            }
        }
    }
}
