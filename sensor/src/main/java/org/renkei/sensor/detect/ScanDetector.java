package org.renkei.sensor.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.renkei.sensor.classify.PacketClass;
import org.renkei.sensor.decode.DecodedPacket;

/**
 * Per-(source, protocol, destination port) state: the basis of both scan campaign
 * detection and per-source activity.
 *
 * <p>Definition (Durumeric et al., "An Internet-Wide View of Internet-Wide Scanning",
 * 2014): a scan is a source reaching at least {@code minDestinations} distinct darknet
 * addresses on the same protocol and port; it ends once the source has been silent on
 * that port for {@code expirySeconds}. Only probe packets (TCP SYN, UDP probe, ICMP
 * echo request) count toward the destinations, so a DoS victim's replies never make it a
 * scanner.
 *
 * <p>Distinct destinations are counted with a 512-bit linear-counting bitmap per entry:
 * within ±3 % up to about 1,500 destinations; once the bitmap is 95 % full the
 * estimate becomes the number of probes (scanners rarely repeat a target). One entry
 * is 128 bytes off-heap; {@code maxEntries} bounds the memory (default 1 M entries ≈ 192 MB
 * of table with its load-factor headroom).
 */
public final class ScanDetector implements AutoCloseable {
    /** Defaults: N = 100 distinct destinations, 480 s expiry, 1 M entries. */
    public record Config(int minDestinations, long expirySeconds, long maxEntries) {
        public static Config defaults() {
            return new Config(100, 480, 1_000_000);
        }
    }

    private static final int SLOT = 128;
    private static final int O_PACKETS = 20, O_FIRST = 24, O_LAST = 28, O_BYTES = 32, O_IV_PACKETS = 40, O_IV_BYTES = 44,
            O_TTL_MIN = 48, O_TTL_MAX = 49, O_FLAGS = 50, O_CLASSES = 51, O_FP = 52, O_PROBES = 56, O_BITS = 60,
            O_STATE = 62, O_BITMAP = 64;
    private static final int BITMAP_BITS = 512;
    private static final int PROBE_MASK = (1 << PacketClass.TCP_SYN_PROBE.ordinal()) | (1 << PacketClass.UDP_PROBE.ordinal())
            | (1 << PacketClass.ICMP_ECHO_PROBE.ordinal());

    private final Config config;
    private final SlotTable table;
    private final String[] fingerprintNames;
    private final List<ScanCampaign> events = new ArrayList<>();
    private long darknetSize;
    private long lastSweepSec = Long.MIN_VALUE;

    public ScanDetector(Config config, String[] fingerprintNames) {
        this.config = config;
        this.fingerprintNames = fingerprintNames.clone();
        this.table = new SlotTable(config.maxEntries(), SLOT);
    }

    /** Number of darknet addresses monitored, for coverage; 0 leaves coverage at 0. */
    public void darknetSize(long addresses) {
        this.darknetSize = addresses;
    }

    public Config config() {
        return config;
    }

    /** Live entries, the table's bound, and keys dropped because the bound was reached. */
    public long entries() {
        return table.size();
    }

    public long maxEntries() {
        return table.maxEntries();
    }

    public long droppedKeys() {
        return table.dropped();
    }

    public long tableBytes() {
        return table.bytes();
    }

    /** Records one decoded packet; {@code fingerprint} is a rule index or -1. */
    public void observe(DecodedPacket p, PacketClass cls, int fingerprint, long sec) {
        if (!p.hasTransport) return;
        int family = p.ipVersion;
        long a = family == 4 ? p.src4 & 0xFFFFFFFFL : p.src6Hi;
        long b = family == 4 ? 0 : p.src6Lo;
        int port = (p.isTcp() || p.isUdp()) ? p.dstPort : 0;
        int c = (family << 24) | (p.protocol << 16) | port;
        long off = table.findOrInsert(a, b, c);
        if (off < 0) return;
        var m = table.mem;
        int s = (int) sec;
        if (table.lastInserted) {
            m.set(SlotTable.INT, off + O_FIRST, s);
            m.set(SlotTable.BYTE, off + O_TTL_MIN, (byte) 0xFF);
        }
        m.set(SlotTable.INT, off + O_LAST, s);
        m.set(SlotTable.INT, off + O_PACKETS, m.get(SlotTable.INT, off + O_PACKETS) + 1);
        m.set(SlotTable.LONG, off + O_BYTES, m.get(SlotTable.LONG, off + O_BYTES) + p.wireLength);
        m.set(SlotTable.INT, off + O_IV_PACKETS, m.get(SlotTable.INT, off + O_IV_PACKETS) + 1);
        m.set(SlotTable.INT, off + O_IV_BYTES, m.get(SlotTable.INT, off + O_IV_BYTES) + p.wireLength);
        int ttl = p.ttl;
        if (ttl < (m.get(SlotTable.BYTE, off + O_TTL_MIN) & 0xFF)) m.set(SlotTable.BYTE, off + O_TTL_MIN, (byte) ttl);
        if (ttl > (m.get(SlotTable.BYTE, off + O_TTL_MAX) & 0xFF)) m.set(SlotTable.BYTE, off + O_TTL_MAX, (byte) ttl);
        m.set(SlotTable.BYTE, off + O_FLAGS, (byte) (m.get(SlotTable.BYTE, off + O_FLAGS) | p.tcpFlags));
        int classBit = 1 << cls.ordinal();
        m.set(SlotTable.BYTE, off + O_CLASSES, (byte) (m.get(SlotTable.BYTE, off + O_CLASSES) | classBit));
        if (fingerprint >= 0) m.set(SlotTable.INT, off + O_FP, m.get(SlotTable.INT, off + O_FP) | (1 << fingerprint));
        if ((classBit & PROBE_MASK) == 0) return;
        int probes = m.get(SlotTable.INT, off + O_PROBES) + 1;
        m.set(SlotTable.INT, off + O_PROBES, probes);
        long h = Addresses.mix(family == 4 ? p.dst4 : p.dst6Hi ^ (p.dst6Lo * 0x9E3779B97F4A7C15L));
        int bit = (int) (h >>> 55); // 9 bits
        long wordOff = off + O_BITMAP + ((bit >>> 6) << 3);
        long word = m.get(SlotTable.LONG, wordOff);
        long mask = 1L << (bit & 63);
        if ((word & mask) != 0) return;
        m.set(SlotTable.LONG, wordOff, word | mask);
        int bits = (m.get(SlotTable.JAVA_SHORT, off + O_BITS) & 0xFFFF) + 1;
        m.set(SlotTable.JAVA_SHORT, off + O_BITS, (short) bits);
        if (probes >= config.minDestinations() && (m.get(SlotTable.BYTE, off + O_STATE) & 1) == 0
                && estimate(bits, probes) >= config.minDestinations()) {
            m.set(SlotTable.BYTE, off + O_STATE, (byte) 1);
            events.add(campaign(off, EventState.STARTED));
        }
    }

    static long estimate(int bitsSet, long probes) {
        if (bitsSet >= BITMAP_BITS * 95 / 100) {
            return Math.max(probes, Math.round(-BITMAP_BITS * Math.log((BITMAP_BITS - bitsSet + 0.5) / BITMAP_BITS)));
        }
        return Math.min(probes, Math.round(-BITMAP_BITS * Math.log(1.0 - (double) bitsSet / BITMAP_BITS)));
    }

    private long estimateAt(long off) {
        return estimate(table.mem.get(SlotTable.JAVA_SHORT, off + O_BITS) & 0xFFFF, table.mem.get(SlotTable.INT, off + O_PROBES));
    }

    private ScanCampaign campaign(long off, EventState state) {
        var m = table.mem;
        int c = m.get(SlotTable.INT, off + 16);
        int family = c >>> 24;
        int proto = (c >>> 16) & 0xFF;
        long first = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_FIRST));
        long last = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST));
        long probes = m.get(SlotTable.INT, off + O_PROBES);
        long distinct = estimateAt(off);
        double rate = probes / (double) Math.max(1, last - first);
        double coverage = darknetSize > 0 ? Math.min(1.0, distinct / (double) darknetSize) : 0;
        return new ScanCampaign(state, Addresses.of(family, m.get(SlotTable.LONG, off), m.get(SlotTable.LONG, off + 8)),
                Addresses.protocolName(proto), proto == 6 || proto == 17 ? c & 0xFFFF : null,
                Instant.ofEpochSecond(first), Instant.ofEpochSecond(last), probes, distinct, rate, coverage,
                names(m.get(SlotTable.INT, off + O_FP)));
    }

    private List<String> names(int mask) {
        List<String> out = new ArrayList<>(Integer.bitCount(mask));
        for (int i = 0; i < fingerprintNames.length; i++) if ((mask & (1 << i)) != 0) out.add(fingerprintNames[i]);
        return out;
    }

    /** Campaign events (started and ended) since the last call. */
    public List<ScanCampaign> drainEvents() {
        List<ScanCampaign> out = List.copyOf(events);
        events.clear();
        return out;
    }

    /** Sweeps expired entries when at least a minute of capture time has passed since the last sweep. */
    public void maybeSweep(long sec) {
        if (sec - lastSweepSec >= 60) {
            sweep(sec, null);
        }
    }

    /**
     * Ends entries silent for the expiry window (emitting ENDED campaigns for scans) and,
     * when {@code activity} is given, reports and resets each source's interval counters.
     */
    public void sweep(long sec, Consumer<SourceActivity> activity) {
        lastSweepSec = sec;
        if (activity != null) collectActivity(activity);
        var m = table.mem;
        long cap = table.capacity();
        for (long i = 0; i < cap; ) {
            if (!table.used(i)) { i++; continue; }
            long off = table.slotOffset(i);
            long last = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST));
            if (sec - last > config.expirySeconds()) {
                if (estimateAt(off) >= config.minDestinations()) events.add(campaign(off, EventState.ENDED));
                table.delete(i); // look at slot i again: a later entry may have moved in
            } else {
                i++;
            }
        }
    }

    /** End of input: every remaining entry ends now. */
    public void finish(Consumer<SourceActivity> activity) {
        sweep(Long.MAX_VALUE / 4, activity);
    }

    private record SourceKey(int family, long a, long b) {
    }

    private static final class SourceBuilder {
        long packets, bytes;
        final long[] bitmap = new long[BITMAP_BITS / 64];
        long probes;
        final Map<Integer, Long> portPackets = new HashMap<>();
        final List<Integer> protocols = new ArrayList<>();
        int flags, classes, fingerprints;
        int ttlMin = 255, ttlMax = 0;
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
    }

    private void collectActivity(Consumer<SourceActivity> activity) {
        var m = table.mem;
        Map<SourceKey, SourceBuilder> bySource = new HashMap<>();
        long cap = table.capacity();
        for (long i = 0; i < cap; i++) {
            if (!table.used(i)) continue;
            long off = table.slotOffset(i);
            int ivPackets = m.get(SlotTable.INT, off + O_IV_PACKETS);
            if (ivPackets == 0) continue;
            int c = m.get(SlotTable.INT, off + 16);
            int family = c >>> 24;
            int proto = (c >>> 16) & 0xFF;
            SourceBuilder sb = bySource.computeIfAbsent(new SourceKey(family, m.get(SlotTable.LONG, off), m.get(SlotTable.LONG, off + 8)),
                    k -> new SourceBuilder());
            sb.packets += ivPackets;
            sb.bytes += Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_IV_BYTES));
            for (int w = 0; w < sb.bitmap.length; w++) sb.bitmap[w] |= m.get(SlotTable.LONG, off + O_BITMAP + w * 8L);
            sb.probes += m.get(SlotTable.INT, off + O_PROBES);
            if (proto == 6 || proto == 17) sb.portPackets.merge(c & 0xFFFF, (long) ivPackets, Long::sum);
            if (!sb.protocols.contains(proto)) sb.protocols.add(proto);
            sb.flags |= m.get(SlotTable.BYTE, off + O_FLAGS) & 0xFF;
            sb.classes |= m.get(SlotTable.BYTE, off + O_CLASSES) & 0xFF;
            sb.fingerprints |= m.get(SlotTable.INT, off + O_FP);
            sb.ttlMin = Math.min(sb.ttlMin, m.get(SlotTable.BYTE, off + O_TTL_MIN) & 0xFF);
            sb.ttlMax = Math.max(sb.ttlMax, m.get(SlotTable.BYTE, off + O_TTL_MAX) & 0xFF);
            sb.first = Math.min(sb.first, Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_FIRST)));
            sb.last = Math.max(sb.last, Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST)));
            m.set(SlotTable.INT, off + O_IV_PACKETS, 0);
            m.set(SlotTable.INT, off + O_IV_BYTES, 0);
        }
        for (var e : bySource.entrySet()) {
            SourceKey k = e.getKey();
            SourceBuilder sb = e.getValue();
            int bits = 0;
            for (long w : sb.bitmap) bits += Long.bitCount(w);
            List<Integer> ports = sb.portPackets.entrySet().stream()
                    .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(16).map(Map.Entry::getKey).toList();
            activity.accept(new SourceActivity(Addresses.of(k.family(), k.a(), k.b()), sb.packets, sb.bytes,
                    estimate(bits, sb.probes), ports,
                    sb.protocols.stream().sorted().map(Addresses::protocolName).toList(), flagNames(sb.flags),
                    sb.ttlMin, sb.ttlMax, Instant.ofEpochSecond(sb.first), Instant.ofEpochSecond(sb.last),
                    names(sb.fingerprints), classNames(sb.classes)));
        }
    }

    static List<String> flagNames(int flags) {
        String[] n = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) if ((flags & (1 << i)) != 0) out.add(n[i]);
        return out;
    }

    static List<String> classNames(int mask) {
        List<String> out = new ArrayList<>();
        for (PacketClass c : PacketClass.values()) if ((mask & (1 << c.ordinal())) != 0) out.add(c.name().toLowerCase());
        return out;
    }

    static final Comparator<SourceActivity> BY_PACKETS = Comparator.comparingLong(SourceActivity::packets).reversed();

    @Override
    public void close() {
        table.close();
    }
}
