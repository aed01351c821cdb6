package org.renkei.sensor.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.decode.PacketDecoder;

/**
 * Infers DoS attacks on third parties from backscatter (Moore et al., "Inferring
 * Internet Denial-of-Service Activity", 2006), with corsaro3's thresholds: an attack
 * vector (victim, protocol) becomes an attack once it has at least {@code minPackets}
 * packets, lasts at least {@code minDurationSeconds}, and peaks at ≥ {@code minPeakPer60s}
 * packets within a 60-second window; it ends after {@code timeoutSeconds} without
 * backscatter.
 *
 * <p>The victim is the backscatter's source, except for ICMP errors, which are sent by
 * routers on the path: there the victim is the destination of the quoted packet. The
 * peak is measured on six 10-second buckets, i.e. a sliding 60-second window at
 * 10-second granularity. One entry is 128 bytes off-heap, bounded by {@code maxEntries}; at the
 * bound the vectors seen least recently make room for new ones (a quarter of the bound at once,
 * ended as the timeout ends them), so a flood of backscatter from new victims is still seen.
 */
public final class DosDetector implements AutoCloseable {
    public record Config(long minPackets, long minDurationSeconds, long minPeakPer60s, long timeoutSeconds, long maxEntries) {
        public static Config defaults() {
            return new Config(25, 60, 30, 300, 250_000);
        }
    }

    private static final int SLOT = 128;
    private static final int O_PACKETS = 20, O_FIRST = 24, O_LAST = 28, O_BYTES = 32, O_HEAD = 40, O_PEAK = 44,
            O_BUCKETS = 48, O_PORT_COUNT = 72, O_PORTS = 76, O_STATE = 92;
    private static final int BUCKETS = 6, BUCKET_SECONDS = 10, MAX_PORTS = 8;

    private final Config config;
    private final SlotTable table;
    private final List<DosAttack> events = new ArrayList<>();
    private long darknetSize;
    private long lastSweepSec = Long.MIN_VALUE;

    public DosDetector(Config config) {
        this.config = config;
        this.table = new SlotTable(config.maxEntries(), SLOT);
    }

    public void darknetSize(long addresses) {
        this.darknetSize = addresses;
    }

    public long entries() {
        return table.size();
    }

    /** New vectors not tracked because the table was full even after making room (normally 0). */
    public long droppedKeys() {
        return table.dropped() - insertedAfterEviction;
    }

    /** Vectors ended before their timeout to make room at the bound (see {@link #evictLeastRecent}). */
    public long evictedKeys() {
        return evicted;
    }

    private long insertedAfterEviction, evicted;

    public long tableBytes() {
        return table.bytes();
    }

    /** Records one backscatter packet (the caller has classified it as such). */
    public void observeBackscatter(DecodedPacket p, long sec) {
        int family = p.ipVersion;
        long a, b;
        int proto;
        int port;
        if (p.isIcmp() && PacketDecoder.isIcmpError(p.ipVersion, p.icmpType)) {
            if (!p.hasInner) return;
            a = family == 4 ? p.innerDst4 & 0xFFFFFFFFL : p.innerDst6Hi;
            b = family == 4 ? 0 : p.innerDst6Lo;
            proto = p.innerProtocol;
            port = p.innerDstPort;
        } else {
            a = family == 4 ? p.src4 & 0xFFFFFFFFL : p.src6Hi;
            b = family == 4 ? 0 : p.src6Lo;
            proto = p.protocol;
            port = (p.isTcp() || p.isUdp()) ? p.srcPort : -1;
        }
        int tag = (family << 24) | (proto << 16) | 1;
        long off = table.findOrInsert(a, b, tag);
        if (off < 0) {
            evictLeastRecent(sec);
            off = table.findOrInsert(a, b, tag);
            if (off < 0) return;
            insertedAfterEviction++; // the first attempt counted it as dropped
        }
        var m = table.mem;
        int s = (int) sec;
        int bucket = (int) (sec / BUCKET_SECONDS);
        if (table.lastInserted) {
            m.set(SlotTable.INT, off + O_FIRST, s);
            m.set(SlotTable.INT, off + O_HEAD, bucket);
        }
        m.set(SlotTable.INT, off + O_LAST, Math.max(s, m.get(SlotTable.INT, off + O_LAST)));
        int packets = m.get(SlotTable.INT, off + O_PACKETS) + 1;
        m.set(SlotTable.INT, off + O_PACKETS, packets);
        m.set(SlotTable.LONG, off + O_BYTES, m.get(SlotTable.LONG, off + O_BYTES) + p.wireLength);
        // Advance the ring of 10-second buckets to this packet's bucket, zeroing the ones skipped.
        int head = m.get(SlotTable.INT, off + O_HEAD);
        if (bucket > head) {
            int steps = Math.min(BUCKETS, bucket - head);
            for (int k = 1; k <= steps; k++) m.set(SlotTable.INT, off + O_BUCKETS + 4L * Math.floorMod(head + k, BUCKETS), 0);
            m.set(SlotTable.INT, off + O_HEAD, bucket);
            head = bucket;
        }
        if (bucket > head - BUCKETS) { // packets older than the window (out-of-order capture) count only in totals
            long bo = off + O_BUCKETS + 4L * Math.floorMod(bucket, BUCKETS);
            m.set(SlotTable.INT, bo, m.get(SlotTable.INT, bo) + 1);
        }
        int window = 0;
        for (int k = 0; k < BUCKETS; k++) window += m.get(SlotTable.INT, off + O_BUCKETS + 4L * k);
        if (window > m.get(SlotTable.INT, off + O_PEAK)) m.set(SlotTable.INT, off + O_PEAK, window);
        if (port >= 0) addPort(off, port);
        if ((m.get(SlotTable.INT, off + O_STATE) & 1) == 0 && isAttack(off)) {
            m.set(SlotTable.INT, off + O_STATE, 1);
            events.add(attack(off, EventState.STARTED));
        }
    }

    private void addPort(long off, int port) {
        var m = table.mem;
        int n = m.get(SlotTable.INT, off + O_PORT_COUNT);
        for (int k = 0; k < n; k++) if ((m.get(SlotTable.JAVA_SHORT, off + O_PORTS + 2L * k) & 0xFFFF) == port) return;
        if (n < MAX_PORTS) {
            m.set(SlotTable.JAVA_SHORT, off + O_PORTS + 2L * n, (short) port);
            m.set(SlotTable.INT, off + O_PORT_COUNT, n + 1);
        }
    }

    private boolean isAttack(long off) {
        var m = table.mem;
        long first = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_FIRST));
        long last = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST));
        return m.get(SlotTable.INT, off + O_PACKETS) >= config.minPackets() && last - first >= config.minDurationSeconds()
                && m.get(SlotTable.INT, off + O_PEAK) >= config.minPeakPer60s();
    }

    private DosAttack attack(long off, EventState state) {
        var m = table.mem;
        int c = m.get(SlotTable.INT, off + 16);
        int family = c >>> 24;
        long first = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_FIRST));
        long last = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST));
        long packets = m.get(SlotTable.INT, off + O_PACKETS);
        List<Integer> ports = new ArrayList<>();
        int n = m.get(SlotTable.INT, off + O_PORT_COUNT);
        for (int k = 0; k < n; k++) ports.add(m.get(SlotTable.JAVA_SHORT, off + O_PORTS + 2L * k) & 0xFFFF);
        ports.sort(null);
        double observed = packets / (double) Math.max(1, last - first);
        double estimated = family == 4 && darknetSize > 0 ? observed * (4294967296.0 / darknetSize) : 0;
        return new DosAttack(state, Addresses.of(family, m.get(SlotTable.LONG, off), m.get(SlotTable.LONG, off + 8)),
                Addresses.protocolName((c >>> 16) & 0xFF), ports, Instant.ofEpochSecond(first), Instant.ofEpochSecond(last),
                packets, m.get(SlotTable.LONG, off + O_BYTES), m.get(SlotTable.INT, off + O_PEAK), observed, estimated);
    }

    public List<DosAttack> drainEvents() {
        List<DosAttack> out = List.copyOf(events);
        events.clear();
        return out;
    }

    public void maybeSweep(long sec) {
        if (sec - lastSweepSec >= 60) sweep(sec);
    }

    /**
     * At the bound, the vectors seen least recently make room (a quarter of the bound at once, as
     * {@code SlotTable.evictLeastRecent} chooses them), each ended as a sweep ends it: an attack gets
     * its ENDED event. Without this, a full table ignored every new victim until the timeout freed room.
     */
    private void evictLeastRecent(long sec) {
        table.evictLeastRecent(sec, O_LAST, i -> {
            long off = table.slotOffset(i);
            if (isAttack(off)) events.add(attack(off, EventState.ENDED));
            evicted++;
            table.delete(i);
        });
    }

    /** Ends vectors silent for the timeout; those that met the thresholds become ENDED events. */
    public void sweep(long sec) {
        lastSweepSec = sec;
        var m = table.mem;
        long cap = table.capacity();
        for (long i = 0; i < cap; ) {
            if (!table.used(i)) { i++; continue; }
            long off = table.slotOffset(i);
            long last = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST));
            if (sec - last > config.timeoutSeconds()) {
                if (isAttack(off)) events.add(attack(off, EventState.ENDED));
                table.delete(i);
            } else {
                i++;
            }
        }
    }

    public void finish() {
        sweep(Long.MAX_VALUE / 4);
    }

    private long finishCursor;

    /**
     * End of input in chunks: ends up to {@code maxEvents} attacks, resuming where the
     * previous call stopped; returns true (and empties the table) once every vector has been
     * looked at. No packet may be observed between the calls.
     */
    public boolean finishSome(int maxEvents) {
        long cap = table.capacity();
        int added = 0;
        while (finishCursor < cap && added < maxEvents) {
            long i = finishCursor++;
            if (!table.used(i)) continue;
            long off = table.slotOffset(i);
            if (isAttack(off)) {
                events.add(attack(off, EventState.ENDED));
                added++;
            }
        }
        if (finishCursor < cap) return false;
        finishCursor = 0;
        table.clear();
        lastSweepSec = Long.MAX_VALUE / 4;
        return true;
    }

    @Override
    public void close() {
        table.close();
    }
}
