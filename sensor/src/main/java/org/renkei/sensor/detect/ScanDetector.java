package org.renkei.sensor.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
 * <p>Distinct destinations are counted with a 512-bit linear-counting bitmap per entry
 * (Whang et al. 1990): one standard error is about 3 % at 100 destinations and 5 % at
 * 1,000; once the bitmap is 95 % full (~1,500) the estimate becomes the number of probes
 * (scanners rarely repeat a target). The estimate never exceeds the probes sent.
 *
 * <p>Memory: one entry is a 64-byte slot (one cache line) off-heap. A darknet sees
 * millions of sources sending a few packets each, and each packet costs a random access
 * into a table of hundreds of MB, so the hot state of an entry is kept in that one line:
 * up to ten bitmap positions are stored inline, and only an entry that reaches an eleventh
 * distinct position moves them into a 64-byte bitmap from a side pool (most entries
 * never do). Both forms hold the same bitmap, so estimates are identical. {@code
 * maxEntries} bounds the table; the pool holds at most one bitmap per entry.
 */
public final class ScanDetector implements AutoCloseable {
    /**
     * Defaults: N = 100 distinct destinations, 480 s expiry, 10 M entries: a large telescope
     * sees millions of (source, port) keys within one expiry window, and the table at this
     * bound is 2^24 slots of 64 bytes = 1 GiB (it grows only as needed).
     */
    public record Config(int minDestinations, long expirySeconds, long maxEntries) {
        public static Config defaults() {
            return new Config(100, 480, 10_000_000);
        }
    }

    private static final int SLOT = 64;
    /**
     * The scan table doubles once 35 % full (not the usual 70 %) while below its bound, so its load
     * stays between 0.175 and 0.35 until the bound's capacity is reached: a lookup's probe then leaves
     * the two slots {@link #touch} loaded ahead (h, h+1) for ~1-2 % of packets instead of ~9 % at 0.45,
     * and each such packet waits alone for a random line. Round 8 (docs/sensor.md): +3-8 % packets per
     * CPU-second with 1 M sources, for up to twice the memory below the bound; the bound's size
     * (1 GiB at 10 M entries) is unchanged, and at the bound the table still fills to 70 %. A table
     * presized by {@link #reserve} ({@code analyze}) uses the 70 % instead: see {@code SlotTable.reserve}.
     */
    static final double GROW_LOAD = 0.35;
    /**
     * Slot layout after the key (bytes 0-19): first and last second, probes, then two words that
     * {@link #observe} updates whole: the interval's packets (low half) and bytes (high half) as
     * one long, and TTL min, TTL max, TCP flags, classes (one byte each) with the fingerprint mask
     * (high half) as another; then the destination bitmap: an int, and a long for inline positions
     * 4-10. Bytes 52-55 are free. The table's layouts are little-endian, so the byte and int offsets
     * name the same fields on any host.
     */
    private static final int O_FIRST = 20, O_LAST = 24, O_PROBES = 28, O_IV = 32, O_IV_PACKETS = 32, O_IV_BYTES = 36,
            O_MISC = 40, O_TTL_MIN = 40, O_TTL_MAX = 41, O_FLAGS = 42, O_CLASSES = 43, O_FP = 44, O_DEST = 48, O_DEST_MORE = 56;
    /**
     * Bit 7 of the classes byte (the class UNDECODED never reaches this table): the
     * campaign has been reported as started.
     */
    private static final int STARTED = 0x80;
    /**
     * The int at O_DEST: if negative, 0x80000000 | index of the entry's bitmap in the pool; else the
     * count (0-10) of inline bitmap positions in bits 0-3 and the first three positions, 9 bits each,
     * at bits 4, 13 and 22; positions 4-10 are in the long at O_DEST_MORE, 9 bits each from bit 0.
     * Ten inline positions (was three) keep entries with up to ten distinct destinations, nearly
     * all of a darknet's, out of the pool: a pooled bitmap is a second random line for every
     * probe, which the group's touch cannot reach (round 8: ~3 % of analyze's samples waited there).
     */
    private static final int INLINE_MAX = 10;
    private static final int BITMAP_BITS = 512, BITMAP_BYTES = BITMAP_BITS / 8;
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
        this.table = new SlotTable(config.maxEntries(), SLOT, 1L << 12, GROW_LOAD);
        this.poolLimit = table.maxEntries();
        this.poolArena = Arena.ofShared();
        this.pool = NativeMemory.allocate(poolArena, poolCapacity * BITMAP_BYTES);
    }

    // The bitmap pool: a bump-allocated array of 64-byte bitmaps that doubles up to one per
    // table entry; freed bitmaps form a list threaded through their first long (index + 1).
    private Arena poolArena;
    private MemorySegment pool;
    private long poolCapacity = 1024, poolUsed, poolFree = -1;
    private final long poolLimit;

    /** A zeroed bitmap's index, or -1 when the pool is at its bound. */
    private long allocateBitmap() {
        if (poolFree >= 0) {
            long idx = poolFree;
            long at = idx * BITMAP_BYTES;
            poolFree = pool.get(SlotTable.LONG, at) - 1;
            pool.set(SlotTable.LONG, at, 0L);
            return idx;
        }
        if (poolUsed == poolCapacity) {
            if (poolCapacity >= poolLimit) return -1;
            long bigger = Math.min(poolLimit, poolCapacity * 2);
            Arena arena = Arena.ofShared();
            MemorySegment grown = NativeMemory.allocate(arena, bigger * BITMAP_BYTES);
            MemorySegment.copy(pool, 0, grown, 0, poolUsed * BITMAP_BYTES);
            poolArena.close();
            poolArena = arena;
            pool = grown;
            poolCapacity = bigger;
        }
        return poolUsed++;
    }

    private void freeBitmap(long idx) {
        long at = idx * BITMAP_BYTES;
        for (int w = 1; w < 8; w++) pool.set(SlotTable.LONG, at + w * 8L, 0L);
        pool.set(SlotTable.LONG, at, poolFree + 1);
        poolFree = idx;
    }

    /** Inline position {@code k} of an entry whose O_DEST int is {@code d} and O_DEST_MORE long {@code more}. */
    private static int inlinePosition(int d, long more, int k) {
        return k < 3 ? (d >>> (4 + 9 * k)) & 0x1FF : (int) (more >>> (9 * (k - 3))) & 0x1FF;
    }

    /** Bitmap positions set for the entry at {@code off}. */
    private int bitsSet(long off) {
        int d = table.mem.get(SlotTable.INT, off + O_DEST);
        if (d >= 0) return d & 15;
        long at = (d & 0x7FFFFFFFL) * BITMAP_BYTES;
        int bits = 0;
        for (int w = 0; w < 8; w++) bits += Long.bitCount(pool.get(SlotTable.LONG, at + w * 8L));
        return bits;
    }

    /**
     * Sets position {@code bit} in the entry's bitmap; false if it was set already. When a
     * position past the inline ten arrives and the pool is at its bound, the position is not recorded
     * (the estimate then undercounts, which the bound makes unavoidable).
     */
    private boolean setBit(long off, int bit) {
        var m = table.mem;
        int d = m.get(SlotTable.INT, off + O_DEST);
        if (d < 0) {
            long wordOff = (d & 0x7FFFFFFFL) * BITMAP_BYTES + ((bit >>> 6) << 3);
            long word = pool.get(SlotTable.LONG, wordOff);
            long mask = 1L << (bit & 63);
            if ((word & mask) != 0) return false;
            pool.set(SlotTable.LONG, wordOff, word | mask);
            return true;
        }
        int n = d & 15;
        for (int k = 0; k < Math.min(n, 3); k++) if (((d >>> (4 + 9 * k)) & 0x1FF) == bit) return false;
        if (n < 3) {
            m.set(SlotTable.INT, off + O_DEST, (d | (bit << (4 + 9 * n))) + 1);
            return true;
        }
        long more = m.get(SlotTable.LONG, off + O_DEST_MORE);
        for (int k = 3; k < n; k++) if (((int) (more >>> (9 * (k - 3))) & 0x1FF) == bit) return false;
        if (n < INLINE_MAX) {
            m.set(SlotTable.LONG, off + O_DEST_MORE, more | ((long) bit << (9 * (n - 3))));
            m.set(SlotTable.INT, off + O_DEST, d + 1);
            return true;
        }
        return moveToPool(off, d, more, bit);
    }

    /** An eleventh distinct position: the inline positions and {@code bit} move into a pooled bitmap. */
    private boolean moveToPool(long off, int d, long more, int bit) {
        int n = d & 15;
        long idx = allocateBitmap();
        if (idx < 0) return false;
        long at = idx * BITMAP_BYTES;
        for (int k = 0; k <= n; k++) {
            int b = k < n ? inlinePosition(d, more, k) : bit;
            long wo = at + ((b >>> 6) << 3);
            pool.set(SlotTable.LONG, wo, pool.get(SlotTable.LONG, wo) | (1L << (b & 63)));
        }
        table.mem.set(SlotTable.INT, off + O_DEST, (int) (0x80000000L | idx));
        table.mem.set(SlotTable.LONG, off + O_DEST_MORE, 0L);
        return true;
    }

    /** ORs the entry's bitmap into the 64-byte bitmap at {@code dst}. */
    private void orBitmapInto(MemorySegment dst, long dstOff, long off) {
        int d = table.mem.get(SlotTable.INT, off + O_DEST);
        if (d < 0) {
            long at = (d & 0x7FFFFFFFL) * BITMAP_BYTES;
            for (int w = 0; w < 8; w++) {
                long wo = dstOff + w * 8L;
                dst.set(SlotTable.LONG, wo, dst.get(SlotTable.LONG, wo) | pool.get(SlotTable.LONG, at + w * 8L));
            }
            return;
        }
        long more = table.mem.get(SlotTable.LONG, off + O_DEST_MORE);
        for (int k = 0; k < (d & 15); k++) {
            int b = inlinePosition(d, more, k);
            long wo = dstOff + ((b >>> 6) << 3);
            dst.set(SlotTable.LONG, wo, dst.get(SlotTable.LONG, wo) | (1L << (b & 63)));
        }
    }

    /**
     * Sizes the (empty) table for about {@code keys} entries at once, its pages faulted in on a
     * background thread: see {@code SlotTable.reserve}. The bound still applies. The bitmap pool
     * gets room for as many bitmaps (at most its bound) in one block that is mapped, not touched:
     * pages are committed as bitmaps are handed out, so it costs no memory it does not use, and the
     * pool never doubles, which copied it and zeroed about twice its final size on the packet
     * thread (~2 M bitmaps, ~0.3-0.5 s of it, on a 20 M-packet capture).
     */
    public void reserve(long keys) {
        table.reserve(keys);
        long bitmaps = Math.min(poolLimit, keys);
        if (poolUsed == 0 && poolFree < 0 && bitmaps > poolCapacity) {
            poolArena.close();
            poolArena = Arena.ofShared();
            pool = NativeMemory.allocate(poolArena, bitmaps * BITMAP_BYTES, true);
            poolCapacity = bitmaps;
        }
    }

    /**
     * Before a detector with this configuration exists: starts allocating and faulting in the
     * memory its {@link #reserve reserve(keys)} will take (see {@code SlotTable.prepare}).
     */
    public static void prepare(Config config, long keys) {
        SlotTable.prepare(config.maxEntries(), SLOT, keys);
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
        return table.dropped() - insertedAfterEviction;
    }

    /** Keys the table refused at its bound and then took once {@link #evictLeastRecent} had made room. */
    private long insertedAfterEviction;

    public long tableBytes() {
        return table.bytes();
    }

    /**
     * Hash of the packet's entry key (source, protocol, destination port), to pass to
     * {@link #touch(long)} and {@link #observe(DecodedPacket, PacketClass, int, long, long)};
     * 0 for a packet without transport header (it has no entry).
     */
    public long keyHash(DecodedPacket p) {
        return keyHash(keySourceHigh(p), keySourceLow(p), keyTag(p));
    }

    /** {@link #keyHash(DecodedPacket)} of a key already taken apart ({@link #keySourceHigh}, ...): 0 for tag 0. */
    public static long keyHash(long a, long b, int tag) {
        return tag == 0 ? 0 : SlotTable.hash(a, b, tag);
    }

    /**
     * The entry key of a packet, in three parts: the source's high and low 64 bits (IPv4: the
     * address, unsigned, and 0) and a tag of family, protocol and destination port, non-zero for a
     * packet with a transport header and 0 without one (no entry).
     * {@link #observe(long, long, int, long, PacketClass, int, long, long, long)} takes them as they
     * are, for a caller that hands packets over as primitives.
     */
    public static long keySourceHigh(DecodedPacket p) {
        return p.ipVersion == 4 ? p.src4 & 0xFFFFFFFFL : p.src6Hi;
    }

    /** See {@link #keySourceHigh}. */
    public static long keySourceLow(DecodedPacket p) {
        return p.ipVersion == 4 ? 0 : p.src6Lo;
    }

    /** See {@link #keySourceHigh}. */
    public static int keyTag(DecodedPacket p) {
        if (!p.hasTransport) return 0;
        int port = (p.isTcp() || p.isUdp()) ? p.dstPort : 0;
        return (p.ipVersion << 24) | (p.protocol << 16) | port;
    }

    /**
     * Loads the home slot of the key with this {@link #keyHash} so that its cache line is on
     * its way before {@link #observe} needs it: the pipeline touches a group of packets'
     * slots first so that their cache misses overlap instead of stalling one at a time.
     */
    public void touch(long keyHash) {
        touched += table.touch(keyHash);
    }

    /**
     * Whether {@link #prefetch} works here (Linux on x86-64, native access granted): a pipeline can
     * then start the next group's lines loading while it processes this group, instead of
     * {@link #touch}ing each group right before processing it. See {@link Prefetch}.
     */
    public static boolean canPrefetch() {
        return Prefetch.AVAILABLE && NativeMemory.RAW;
    }

    /**
     * Starts loading the lines {@link #touch} would load for {@code keyHashes[from .. to)} (their
     * {@link #keyHash}es), without waiting for them: the group's packets are processed later (see
     * {@link #canPrefetch}). A table that grows meanwhile only makes the prefetch useless.
     */
    public void prefetch(long[] keyHashes, int from, int to) {
        table.prefetch(keyHashes, from, to);
    }

    /** Entries with interval activity not yet collected (sizes {@link #collectActivity}'s table). */
    private long activeEntries;

    /** Sink for {@link #touch} so the loads are not optimised away. */
    @SuppressWarnings("unused")
    private int touched;

    /** Records one decoded packet; {@code fingerprint} is a rule index or -1. */
    public void observe(DecodedPacket p, PacketClass cls, int fingerprint, long sec) {
        observe(p, cls, fingerprint, sec, keyHash(p), destinationHash(p));
    }

    /**
     * The hash of the packet's destination that its entry's bitmap takes a position from: the
     * same hash as the distinct-destination counter's, so the pipeline computes it once.
     */
    public static long destinationHash(DecodedPacket p) {
        return p.ipVersion == 4 ? DistinctCounter.hashInt(p.dst4) : DistinctCounter.hash128(p.dst6Hi, p.dst6Lo);
    }

    /**
     * {@link #observe(DecodedPacket, PacketClass, int, long)} with the packet's {@link #keyHash}
     * and {@link #destinationHash}. The hottest method of the sensor: the entry's fields are read
     * and written as a few whole words, and the TTL range without branches.
     */
    public void observe(DecodedPacket p, PacketClass cls, int fingerprint, long sec, long keyHash, long dstHash) {
        if (!p.hasTransport) return;
        observe(keySourceHigh(p), keySourceLow(p), keyTag(p), lengthTtlFlags(p), cls, fingerprint, sec, keyHash, dstHash);
    }

    /**
     * A packet's wire length (bits 16-47), TTL (bits 8-15) and TCP flags (bits 0-7) in one word, as
     * {@link #observe(long, long, int, long, PacketClass, int, long, long, long)} takes them (one argument
     * instead of three: the hot method's arguments no longer spill).
     */
    public static long lengthTtlFlags(DecodedPacket p) {
        return ((long) p.wireLength << 16) | ((p.ttl & 0xFF) << 8) | (p.tcpFlags & 0xFF);
    }

    /**
     * {@link #observe(DecodedPacket, PacketClass, int, long, long, long)} of a packet with a transport
     * header, given as its key ({@link #keySourceHigh}, {@link #keySourceLow}, {@link #keyTag}) and its
     * {@link #lengthTtlFlags}: what {@code analyze}'s decode thread hands over, so that the thread that
     * detects reads a few sequential arrays instead of the decoded packets' objects.
     */
    public void observe(long a, long b, int tag, long lengthTtlFlags, PacketClass cls, int fingerprint, long sec, long keyHash, long dstHash) {
        int wireLength = (int) (lengthTtlFlags >>> 16), ttl = (int) (lengthTtlFlags >>> 8) & 0xFF, tcpFlags = (int) lengthTtlFlags & 0xFF;
        long off = table.findOrInsert(keyHash, a, b, tag);
        if (off < 0) {
            // The table is at its bound: make room by evicting the entries seen least recently, then retry.
            evictLeastRecent(sec);
            off = table.findOrInsert(keyHash, a, b, tag);
            if (off < 0) return;
            insertedAfterEviction++; // the first attempt counted it as dropped
        }
        var m = table.view(); // the slot by absolute address: see NativeMemory.ALL
        long at = table.base + off;
        int s = (int) sec;
        long misc;
        if (table.lastInserted) {
            m.set(SlotTable.INT, at + O_FIRST, s);
            misc = 0xFF; // TTL min starts at the maximum
        } else {
            misc = m.get(SlotTable.LONG, at + O_MISC);
        }
        m.set(SlotTable.INT, at + O_LAST, s);
        if (sec < oldestLast) oldestLast = sec;
        long iv = m.get(SlotTable.LONG, at + O_IV);
        if ((int) iv == 0) activeEntries++;
        m.set(SlotTable.LONG, at + O_IV, iv + (1L | ((long) wireLength << 32)));
        int classBit = 1 << cls.ordinal();
        long fpBit = fingerprint < 0 ? 0 : 1L << (32 + fingerprint);
        misc = (misc & 0xFFFF_FFFF_FFFF_0000L) | Math.min((int) misc & 0xFF, ttl) | (Math.max((int) (misc >>> 8) & 0xFF, ttl) << 8)
                | ((long) (tcpFlags & 0xFF) << 16) | ((long) classBit << 24) | fpBit;
        m.set(SlotTable.LONG, at + O_MISC, misc);
        if ((classBit & PROBE_MASK) == 0) return;
        int probes = m.get(SlotTable.INT, at + O_PROBES) + 1;
        m.set(SlotTable.INT, at + O_PROBES, probes);
        int bit = (int) (dstHash >>> 55); // 9 bits
        if (!setBit(off, bit)) return;
        if (probes >= config.minDestinations() && ((misc >>> 24) & STARTED) == 0) maybeStarted(off, probes);
    }

    /** Out of the per-packet path: reports the campaign once its distinct destinations reach the threshold. */
    private void maybeStarted(long off, int probes) {
        var m = table.mem;
        if (estimate(bitsSet(off), probes) >= config.minDestinations()) {
            m.set(SlotTable.BYTE, off + O_CLASSES, (byte) (m.get(SlotTable.BYTE, off + O_CLASSES) | STARTED));
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
        return estimate(bitsSet(off), table.mem.get(SlotTable.INT, off + O_PROBES));
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
            sweep(sec);
        }
    }

    /**
     * Ends entries silent for the expiry window, emitting ENDED campaigns for scans. Call
     * {@link #collectActivity} first when the interval's per-source activity is wanted.
     */
    public void sweep(long sec) {
        lastSweepSec = sec;
        var m = table.mem;
        long cap = table.capacity();
        long oldestKept = Long.MAX_VALUE;
        for (long i = 0; i < cap; ) {
            if (!table.used(i)) { i++; continue; }
            long off = table.slotOffset(i);
            long last = Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST));
            // Entries whose interval activity has not been collected yet stay until it is (live mode cuts
            // batches on wall-clock time, independently of the capture-time sweep).
            if (sec - last > config.expirySeconds() && m.get(SlotTable.INT, off + O_IV_PACKETS) == 0) {
                end(i); // look at slot i again: a later entry may have moved in
            } else {
                oldestKept = Math.min(oldestKept, last);
                i++;
            }
        }
        oldestLast = oldestKept;
    }

    /** Ends the entry in slot {@code i}: its campaign's ENDED event if it was one, its bitmap freed, the slot emptied. */
    private void end(long i) {
        var m = table.mem;
        long off = table.slotOffset(i);
        if (estimateAt(off) >= config.minDestinations()) events.add(campaign(off, EventState.ENDED));
        int d = m.get(SlotTable.INT, off + O_DEST);
        if (d < 0) freeBitmap(d & 0x7FFFFFFFL);
        table.delete(i);
    }

    /** Entries ended before their expiry because the table was at its bound, and of those, entries with uncollected activity. */
    private long evicted, evictedActive;

    /**
     * At the bound, the entries seen least recently make room for new keys: at least a quarter of
     * the bound is ended at once (one walk of the table for many inserts), oldest last-seen second
     * first, as a sweep ends them (scan campaigns get their ENDED event). A darknet flooded with new
     * sources (a spoofed-source flood, a new botnet) thus keeps tracking what is current instead
     * of ignoring every source that arrives after the table filled, until the expiry window freed
     * room. An evicted entry that had activity not yet collected into a batch loses it (counted:
     * {@link #evictedWithActivity}); the interval's packet totals are kept elsewhere and stay exact.
     */
    private void evictLeastRecent(long sec) {
        var m = table.mem;
        long oldestKept = table.evictLeastRecent(sec, O_LAST, i -> {
            if (m.get(SlotTable.INT, table.slotOffset(i) + O_IV_PACKETS) != 0) {
                evictedActive++;
                activeEntries--;
            }
            evicted++;
            end(i);
        });
        oldestLast = Math.min(oldestLast, oldestKept);
    }

    /** Entries ended before their expiry to make room at the bound (see {@link #evictLeastRecent}). */
    public long evictedKeys() {
        return evicted;
    }

    /** Of {@link #evictedKeys()}, those whose activity since the last collection was lost with them. */
    public long evictedWithActivity() {
        return evictedActive;
    }

    /**
     * Whether a {@link #sweep} at {@code sec} could end anything: false while every entry
     * was seen within the expiry window. Sweeping and collecting activity each walk the
     * whole table, so the pipeline skips both when nothing can expire (on a short capture
     * of millions of sources they were half of {@code analyze}'s time).
     */
    public boolean mayExpire(long sec) {
        return oldestLast != Long.MAX_VALUE && sec - oldestLast > config.expirySeconds();
    }

    /** A lower bound on the last-seen second of every entry (exact after a sweep). */
    private long oldestLast = Long.MAX_VALUE;

    /**
     * End of input: every remaining entry ends now (entries with uncollected interval
     * activity stay, as in {@link #sweep}). When none has any, the table is emptied at once
     * instead of entry by entry: deleting millions of entries one at a time (each shifting
     * its probe run) was a tenth of {@code analyze}'s time on a two-million-source capture.
     */
    public void finish() {
        var m = table.mem;
        long cap = table.capacity();
        if (activeEntries != 0) {
            sweep(Long.MAX_VALUE / 4);
            return;
        }
        for (long i = 0; i < cap; i++) {
            if (!table.used(i)) continue;
            long off = table.slotOffset(i);
            if (estimateAt(off) >= config.minDestinations()) events.add(campaign(off, EventState.ENDED));
        }
        clearAll();
    }

    /** End of input after the ENDED events: the table and the pool start over empty. */
    private void clearAll() {
        lastSweepSec = Long.MAX_VALUE / 4;
        oldestLast = Long.MAX_VALUE;
        table.clear();
        poolArena.close();
        poolArena = Arena.ofShared();
        poolCapacity = 1024;
        poolUsed = 0;
        poolFree = -1;
        pool = NativeMemory.allocate(poolArena, poolCapacity * BITMAP_BYTES);
    }

    private long finishCursor;

    /**
     * End of input in chunks (live mode, after the interval's activity was collected): ends
     * up to {@code maxEvents} scan campaigns, resuming where the previous call stopped, so
     * that millions of open entries are not turned into one list. Returns true once every
     * entry has been looked at; the table is then emptied as by {@link #finish()}. No packet
     * may be observed between the calls.
     */
    public boolean finishSome(int maxEvents) {
        if (activeEntries != 0) {
            finish();
            return true;
        }
        long cap = table.capacity();
        int added = 0;
        while (finishCursor < cap && added < maxEvents) {
            long i = finishCursor++;
            if (!table.used(i)) continue;
            long off = table.slotOffset(i);
            if (estimateAt(off) >= config.minDestinations()) {
                events.add(campaign(off, EventState.ENDED));
                added++;
            }
        }
        if (finishCursor < cap) return false;
        finishCursor = 0;
        clearAll(); // as finish(): the table and the bitmap pool start afresh
        return true;
    }

    /** Per-source totals of one interval: all sources counted, the busiest detailed. */
    public record ActivitySummary(long sources, long packets, long bytes, List<SourceActivity> top) {
    }

    private static final int S_PACKETS = 24, S_BYTES = 32, S_PROBES = 40, S_FIRST = 44, S_LAST = 48, S_FLAGS = 52,
            S_CLASSES = 53, S_TTL_MIN = 54, S_TTL_MAX = 55, S_FP = 56, S_PROTOCOLS = 60, S_BITMAP = 64, S_PORT_COUNT = 128,
            S_PORTS = 132, S_PORT_PACKETS = 168, MAX_PORTS = 16;

    /**
     * Groups the interval counters by source, resets them, and materialises records only for the
     * {@code limit} busiest sources (ties: the source whose text sorts first). The entries are
     * grouped by radix partitioning ({@link SourcePartitions}: no object and no 256-byte aggregate per
     * source; one such aggregate per source once cost a GB and most of {@code analyze}'s time on a
     * capture of two million sources), and only the chosen sources are detailed.
     */
    public ActivitySummary collectActivity(int limit) {
        return summarize(limit, false);
    }

    /**
     * End of input with the last activity: {@link #collectActivity(int)} and then {@link #finish()} in
     * one walk of the table instead of three. Events, records and the table afterwards are the same.
     */
    public ActivitySummary collectActivityAndFinish(int limit) {
        return summarize(limit, true);
    }

    /**
     * {@link #collectActivity(int)}, and with {@code finish} {@link #finish()} too: one walk appends each
     * active entry to its source's partition (and finds the ENDED events), the partitions are counted
     * one by one in a table that stays in cache, and the busiest sources' entries are found again in
     * their partitions for the details; without {@code finish} a second walk then resets the interval
     * counters (the details read them).
     */
    private ActivitySummary summarize(int limit, boolean finish) {
        long cap = table.capacity();
        long active = activeEntries;
        activeEntries = 0;
        // At the end of input a large table is walked by two threads, one half each, and its partitions
        // counted by two threads, half of them each: the other core is idle by then, and the walk reads
        // 1 GiB at the default bound. (Mid-input, the pipeline's threads have the cores.)
        boolean split = finish && cap >= PARALLEL_WALK_SLOTS && active > 0 && Runtime.getRuntime().availableProcessors() >= 2;
        long bound = active == 0 ? 0 : table.size();
        Walk[] walks = split ? new Walk[] {new Walk(0, cap / 2, bound, finish), new Walk(cap / 2, cap, bound, finish)}
                : new Walk[] {new Walk(0, cap, bound, finish)};
        SourcePartitions[] parts = new SourcePartitions[walks.length];
        for (int t = 0; t < walks.length; t++) parts[t] = walks[t].parts;
        try {
            inParallel(walks.length, t -> walks[t].run());
            SourcePartitions.Counted[] counted = new SourcePartitions.Counted[walks.length];
            int k = Math.max(0, limit);
            inParallel(walks.length, t -> counted[t] = SourcePartitions.count(parts, t * SourcePartitions.PARTITIONS / walks.length,
                    (t + 1) * SourcePartitions.PARTITIONS / walks.length, k));
            long n = 0, totalPackets = 0, totalBytes = 0;
            List<SourcePartitions.Source> candidates = new ArrayList<>();
            for (int t = 0; t < walks.length; t++) {
                events.addAll(walks[t].ended);
                n += counted[t].sources();
                totalPackets += walks[t].packets;
                totalBytes += walks[t].bytes;
                candidates.addAll(counted[t].busiest());
            }
            candidates.sort(SourcePartitions.BUSIEST_FIRST);
            List<SourcePartitions.Source> chosen = candidates.subList(0, Math.min(k, candidates.size()));
            List<SourceActivity> top = new ArrayList<>(chosen.size());
            try (SlotTable sources = new SlotTable(Math.max(16, chosen.size()), 256, (long) (chosen.size() / 0.7) + 16)) {
                var m = table.mem;
                for (SourcePartitions.Source c : chosen) {
                    long so = sources.findOrInsert(c.a(), c.b(), c.family());
                    sources.mem.set(SlotTable.INT, so + S_FIRST, -1); // unsigned maximum: the first entry's start replaces it
                    sources.mem.set(SlotTable.BYTE, so + S_TTL_MIN, (byte) 0xFF);
                    for (long slot : SourcePartitions.slotsOf(parts, c.family(), c.a(), c.b())) {
                        long off = table.slotOffset(slot);
                        addToSource(sources.mem, so, off, m.get(SlotTable.INT, off + O_IV_PACKETS));
                    }
                }
                for (long i = 0; i < sources.capacity(); i++) if (sources.used(i)) top.add(sourceRecord(sources, i));
            }
            if (finish) clearAll();
            else resetInterval();
            top.sort(BY_PACKETS.thenComparing(SourceActivity::source));
            return new ActivitySummary(n, totalPackets, totalBytes, top);
        } finally {
            for (SourcePartitions part : parts) part.close();
        }
    }

    /** Runs {@code task} for 0 .. n-1 (n = 1 or 2), the second on a helper thread, and waits for both; rethrows a failure. */
    private static void inParallel(int n, java.util.function.IntConsumer task) {
        if (n == 1) {
            task.accept(0);
            return;
        }
        Throwable[] failure = new Throwable[1];
        Thread helper = Thread.ofPlatform().name("renkei-report").start(() -> {
            try {
                task.accept(1);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        try {
            task.accept(0);
        } finally {
            boolean interrupted = false;
            while (true) {
                try {
                    helper.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof RuntimeException e) throw e;
        if (failure[0] instanceof Error e) throw e;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
    }

    /** Tables of at least this many slots (64 MiB) are walked by two threads at the end of input. */
    static final long PARALLEL_WALK_SLOTS = 1L << 20;

    /** Sets every entry's interval packets and bytes to zero (after {@link #collectActivity}). */
    private void resetInterval() {
        var m = table.mem;
        for (long i = 0, cap = table.capacity(); i < cap; i++) {
            if (!table.used(i)) continue;
            long off = table.slotOffset(i);
            m.set(SlotTable.LONG, off + O_IV, 0L);
        }
    }

    /**
     * One thread's share of {@link #summarize}: walks the slots {@code [from, to)}, collects their ENDED
     * events (in table order) if {@code finish}, and appends each entry with interval packets to its
     * source's partition. Reads the scan table and the pool only; writes only its own state.
     */
    private final class Walk {
        final long from, to;
        final boolean finish;
        final SourcePartitions parts;
        final List<ScanCampaign> ended = new ArrayList<>();
        long packets, bytes;

        Walk(long from, long to, long maxEntries, boolean finish) {
            this.from = from;
            this.to = to;
            this.finish = finish;
            this.parts = new SourcePartitions(maxEntries);
        }

        void run() {
            var m = table.mem;
            // An entry can reach the threshold only with that many probes, or with a nearly full bitmap
            // (which takes as many probes as bits): skips the estimate for the many small entries.
            int endedMinProbes = Math.min(config.minDestinations(), BITMAP_BITS * 95 / 100);
            for (long i = from; i < to; i++) {
                if (!table.used(i)) continue;
                long off = table.slotOffset(i);
                if (finish && m.get(SlotTable.INT, off + O_PROBES) >= endedMinProbes && estimateAt(off) >= config.minDestinations()) {
                    ended.add(campaign(off, EventState.ENDED));
                }
                int ivPackets = m.get(SlotTable.INT, off + O_IV_PACKETS);
                if (ivPackets == 0) continue;
                long a = m.get(SlotTable.LONG, off), b = m.get(SlotTable.LONG, off + 8);
                int family = m.get(SlotTable.INT, off + 16) >>> 24;
                packets += ivPackets;
                bytes += Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_IV_BYTES));
                parts.add(SlotTable.hash(a, b, family), a, b, family, i, ivPackets);
            }
        }
    }


    /** Folds the interval activity of the entry at {@code off} into the source aggregate at {@code so}. */
    private void addToSource(MemorySegment sm, long so, long off, int ivPackets) {
        var m = table.mem;
        int c = m.get(SlotTable.INT, off + 16);
        sm.set(SlotTable.LONG, so + S_PACKETS, sm.get(SlotTable.LONG, so + S_PACKETS) + ivPackets);
        sm.set(SlotTable.LONG, so + S_BYTES, sm.get(SlotTable.LONG, so + S_BYTES) + Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_IV_BYTES)));
        sm.set(SlotTable.INT, so + S_PROBES, sm.get(SlotTable.INT, so + S_PROBES) + m.get(SlotTable.INT, off + O_PROBES));
        sm.set(SlotTable.INT, so + S_FIRST, (int) Math.min(Integer.toUnsignedLong(sm.get(SlotTable.INT, so + S_FIRST)),
                Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_FIRST))));
        sm.set(SlotTable.INT, so + S_LAST, (int) Math.max(Integer.toUnsignedLong(sm.get(SlotTable.INT, so + S_LAST)),
                Integer.toUnsignedLong(m.get(SlotTable.INT, off + O_LAST))));
        sm.set(SlotTable.BYTE, so + S_FLAGS, (byte) (sm.get(SlotTable.BYTE, so + S_FLAGS) | m.get(SlotTable.BYTE, off + O_FLAGS)));
        sm.set(SlotTable.BYTE, so + S_CLASSES, (byte) (sm.get(SlotTable.BYTE, so + S_CLASSES) | (m.get(SlotTable.BYTE, off + O_CLASSES) & ~STARTED)));
        int tmin = Math.min(sm.get(SlotTable.BYTE, so + S_TTL_MIN) & 0xFF, m.get(SlotTable.BYTE, off + O_TTL_MIN) & 0xFF);
        int tmax = Math.max(sm.get(SlotTable.BYTE, so + S_TTL_MAX) & 0xFF, m.get(SlotTable.BYTE, off + O_TTL_MAX) & 0xFF);
        sm.set(SlotTable.BYTE, so + S_TTL_MIN, (byte) tmin);
        sm.set(SlotTable.BYTE, so + S_TTL_MAX, (byte) tmax);
        sm.set(SlotTable.INT, so + S_FP, sm.get(SlotTable.INT, so + S_FP) | m.get(SlotTable.INT, off + O_FP));
        orBitmapInto(sm, so + S_BITMAP, off);
        int proto = (c >>> 16) & 0xFF;
        int protoBit = switch (proto) { case 6 -> 1; case 17 -> 2; case 1 -> 4; case 58 -> 8; default -> 16; };
        sm.set(SlotTable.INT, so + S_PROTOCOLS, sm.get(SlotTable.INT, so + S_PROTOCOLS) | protoBit);
        int np = sm.get(SlotTable.INT, so + S_PORT_COUNT);
        if (proto != 6 && proto != 17) return;
        if (np < MAX_PORTS) {
            sm.set(SlotTable.JAVA_SHORT, so + S_PORTS + 2L * np, (short) c);
            sm.set(SlotTable.INT, so + S_PORT_PACKETS + 4L * np, ivPackets);
            sm.set(SlotTable.INT, so + S_PORT_COUNT, np + 1);
            return;
        }
        // More ports than listed: keep the busiest (ties: the higher port, the order they are listed in),
        // so the list does not depend on the order the table holds the entries in.
        long key = ((long) ivPackets << 16) | (c & 0xFFFF);
        int worst = -1;
        long worstKey = Long.MAX_VALUE;
        for (int j = 0; j < MAX_PORTS; j++) {
            long kj = ((long) sm.get(SlotTable.INT, so + S_PORT_PACKETS + 4L * j) << 16) | (sm.get(SlotTable.JAVA_SHORT, so + S_PORTS + 2L * j) & 0xFFFF);
            if (kj < worstKey) {
                worstKey = kj;
                worst = j;
            }
        }
        if (key > worstKey) {
            sm.set(SlotTable.JAVA_SHORT, so + S_PORTS + 2L * worst, (short) c);
            sm.set(SlotTable.INT, so + S_PORT_PACKETS + 4L * worst, ivPackets);
        }
    }

    private SourceActivity sourceRecord(SlotTable sources, long index) {
        var sm = sources.mem;
        long so = sources.slotOffset(index);
        int family = sm.get(SlotTable.INT, so + 16);
        long a = sm.get(SlotTable.LONG, so), b = sm.get(SlotTable.LONG, so + 8);
        int bits = 0;
        for (int w = 0; w < 8; w++) bits += Long.bitCount(sm.get(SlotTable.LONG, so + S_BITMAP + w * 8L));
        int np = sm.get(SlotTable.INT, so + S_PORT_COUNT);
        long[] portOrder = new long[np];
        for (int j = 0; j < np; j++) {
            portOrder[j] = ((long) sm.get(SlotTable.INT, so + S_PORT_PACKETS + 4L * j) << 16) | (sm.get(SlotTable.JAVA_SHORT, so + S_PORTS + 2L * j) & 0xFFFF);
        }
        java.util.Arrays.sort(portOrder);
        List<Integer> ports = new ArrayList<>(np);
        for (int j = np - 1; j >= 0; j--) ports.add((int) (portOrder[j] & 0xFFFF));
        int pm = sm.get(SlotTable.INT, so + S_PROTOCOLS);
        List<String> protocols = new ArrayList<>();
        if ((pm & 1) != 0) protocols.add("tcp");
        if ((pm & 2) != 0) protocols.add("udp");
        if ((pm & 4) != 0) protocols.add("icmp");
        if ((pm & 8) != 0) protocols.add("icmpv6");
        if ((pm & 16) != 0) protocols.add("other");
        return new SourceActivity(Addresses.of(family, a, b), sm.get(SlotTable.LONG, so + S_PACKETS), sm.get(SlotTable.LONG, so + S_BYTES),
                estimate(bits, sm.get(SlotTable.INT, so + S_PROBES)), ports, protocols, flagNames(sm.get(SlotTable.BYTE, so + S_FLAGS) & 0xFF),
                sm.get(SlotTable.BYTE, so + S_TTL_MIN) & 0xFF, sm.get(SlotTable.BYTE, so + S_TTL_MAX) & 0xFF,
                Instant.ofEpochSecond(Integer.toUnsignedLong(sm.get(SlotTable.INT, so + S_FIRST))),
                Instant.ofEpochSecond(Integer.toUnsignedLong(sm.get(SlotTable.INT, so + S_LAST))),
                names(sm.get(SlotTable.INT, so + S_FP)), classNames(sm.get(SlotTable.BYTE, so + S_CLASSES) & 0xFF));
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
        poolArena.close();
    }
}
