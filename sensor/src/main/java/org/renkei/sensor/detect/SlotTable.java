package org.renkei.sensor.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap linear-probing hash table of fixed-size slots keyed by (long a, long b, int c).
 * A slot is used when its {@code c} is non-zero, so callers encode a non-zero tag in c
 * (address family). Deletion shifts later entries back (no tombstones), so lookups stay
 * short after heavy eviction. Single-threaded by design: one table per packet pipeline.
 *
 * <p>Whether a slot is used, and which key it holds, is read from the slot itself: a lookup
 * costs one cache line (two or more only when its probe run crosses into the next slots,
 * which the hardware prefetcher fetches in sequence). A separate array of one-byte hash tags
 * per slot used to answer "empty or another key" without touching the slot, but that was a
 * second random miss per packet (a 16 MiB array for a 1 GiB table), and with the slot's miss
 * it halved the number of packets whose misses could be in flight at once.
 *
 * <p>Layout of every slot: a at 0, b at 8, c at 16; the caller owns bytes 20.. slotSize.
 */
final class SlotTable implements AutoCloseable {
    // Unaligned layouts: slots are aligned by construction, and the aligned layouts' per-access
    // alignment check showed up as the top frame of the profile.
    // Little-endian whatever the host: callers read a word's bytes at fixed offsets (free on x86-64 and AArch64).
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort JAVA_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private static final boolean RAW = NativeMemory.RAW;
    private static final MemorySegment ALL = NativeMemory.ALL;

    private Arena arena;
    MemorySegment mem;
    /**
     * Where slot 0 is in {@link #view()}: its address, as {@link #findOrInsert} and {@link #touch}
     * read the table through {@link NativeMemory#ALL}, and so may the owner between a lookup and
     * the next one (a lookup may grow the table, which moves it); 0 where that is not allowed.
     */
    long base;

    /** What the hot paths read slots through, at {@link #base} + offset: see {@link NativeMemory#ALL}. */
    MemorySegment view() {
        return RAW ? ALL : mem;
    }
    private final int slotShift;
    private long mask;
    /** A key's home slot is its hash's top bits: {@code h >>> shift} (see {@link #hash}). */
    private int shift;
    private long capacity;
    private final long maxCapacity;
    private final long initialCapacity;
    private final long maxEntries;
    private long size;
    /**
     * The load past which the table doubles (below its bound): the constructor's grow load, or
     * {@link #MAX_LOAD} after a {@link #reserve} (until {@link #clear}); and that size, kept so a
     * lookup does not compute it.
     */
    private final double growLoad;
    private double load;
    private long growAt;
    private long dropped;

    /**
     * @param maxEntries bound on live entries; the table starts small and doubles while more
     *        than 70 % full, up to the next power of two ≥ maxEntries / 0.7 slots
     */
    SlotTable(long maxEntries, int slotSize) {
        this(maxEntries, slotSize, 1L << 12);
    }

    /** @param initialSlots starting capacity (rounded up to a power of two, at most the bound's) */
    SlotTable(long maxEntries, int slotSize, long initialSlots) {
        this(maxEntries, slotSize, initialSlots, MAX_LOAD);
    }

    /** At its bound a table fills up to this load; below it, to its grow load (at most this). */
    static final double MAX_LOAD = 0.7;

    /**
     * @param growLoad the load past which the table doubles while below its bound's capacity: lower
     *        keeps probe runs shorter for more memory (see ScanDetector); the bound's capacity and
     *        entries do not depend on it
     */
    SlotTable(long maxEntries, int slotSize, long initialSlots, double growLoad) {
        if (Integer.bitCount(slotSize) != 1 || slotSize < 32) throw new IllegalArgumentException("slot size must be a power of two ≥ 32");
        if (!(growLoad > 0 && growLoad <= MAX_LOAD)) throw new IllegalArgumentException("grow load must be in (0, " + MAX_LOAD + "]");
        this.growLoad = growLoad;
        this.load = growLoad;
        long maxCap = maxCapacityFor(maxEntries);
        this.maxCapacity = maxCap;
        this.maxEntries = boundedEntries(maxEntries, maxCap);
        this.slotShift = Integer.numberOfTrailingZeros(slotSize);
        this.initialCapacity = Math.min(maxCap, Long.highestOneBit(Math.max(16, initialSlots) * 2 - 1));
        allocate(initialCapacity);
    }

    /**
     * Grows the empty table straight to the capacity {@code entries} need (at most the bound's),
     * instead of doubling its way there, and faults its pages in on a background thread
     * ({@link NativeMemory#prefault}) so that the kernel's page zeroing overlaps the caller's
     * work. For a caller that knows roughly how many keys are coming (e.g. {@code analyze} from
     * a file's size): growing by doubling to 1 GiB allocates and zeroes 2 GiB and rehashes every
     * entry on the way. {@link #clear()} returns to the starting capacity, not to this one.
     * Does nothing once the table holds entries or when it is that large already.
     *
     * <p>A reserved table is sized, and grows, at {@link #MAX_LOAD}, not at the constructor's lower
     * grow load: the caller's estimate is meant as an upper bound, and memory a process touches
     * for the first time is the largest cost of a short run on a virtual machine (round 8: ~2.3 s
     * of CPU for the first GiB on this project's machine), so a short run trades probe length for
     * half the memory.
     */
    void reserve(long entries) {
        if (size != 0) return;
        long want = capacityFor(maxCapacity, maxEntries, entries, MAX_LOAD);
        if (want <= capacity) return;
        load = MAX_LOAD;
        release();
        NativeMemory.Prepared ready = NativeMemory.takePrepared(want << slotShift);
        if (ready == null) {
            allocate(want, true);
            prefault = NativeMemory.prefault(mem);
        } else {
            capacity = want;
            mask = want - 1;
            shift = Long.numberOfLeadingZeros(want) + 1;
            growAt = (long) (want * load);
            arena = ready.arena();
            mem = ready.segment();
            base = RAW ? mem.address() : 0;
            prefault = ready.prefault();
        }
    }

    /** The capacity at the bound: the next power of two ≥ maxEntries / {@link #MAX_LOAD} (at least 16). */
    private static long maxCapacityFor(long maxEntries) {
        return Long.highestOneBit(Math.max(16, (long) (maxEntries / MAX_LOAD)) * 2 - 1);
    }

    /** The entries a table of {@code maxCapacity} slots admits: maxEntries, at most {@link #MAX_LOAD} of it. */
    private static long boundedEntries(long maxEntries, long maxCapacity) {
        return Math.max(1, Math.min(maxEntries, (long) (maxCapacity * MAX_LOAD)));
    }

    private static long capacityFor(long maxCapacity, long maxEntries, long entries, double growLoad) {
        return Math.min(maxCapacity, Long.highestOneBit(Math.max(16, (long) Math.ceil(Math.min(entries, maxEntries) / growLoad)) * 2 - 1));
    }

    /**
     * Before the table exists: allocates the memory a {@code new SlotTable(maxEntries, slotSize)}
     * would take in {@link #reserve reserve(entries)}, and starts faulting it in, so that a
     * caller with set-up work ahead (loading rules, JIT warm-up) gives the pre-fault a head start:
     * once packets flow, the table's random accesses reach every page within milliseconds, and a
     * page not yet faulted in is zeroed on the packet thread. The next matching {@code reserve}
     * in this process takes it over.
     */
    static void prepare(long maxEntries, int slotSize, long entries) {
        long maxCap = maxCapacityFor(maxEntries);
        long want = capacityFor(maxCap, boundedEntries(maxEntries, maxCap), entries, MAX_LOAD);
        if (want > (1L << 12)) NativeMemory.prepare(want * slotSize);
    }

    /** The background pre-fault of {@link #mem}, if {@link #reserve} started one. */
    private NativeMemory.Prefault prefault;

    /** Closes the current memory (after stopping a pre-fault that holds it). */
    private void release() {
        if (prefault != null) {
            prefault.stop();
            prefault = null;
        }
        arena.close();
    }

    /** Removes every entry and returns the table to its starting size (the dropped count stays). */
    void clear() {
        release();
        load = growLoad;
        allocate(initialCapacity);
        size = 0;
    }

    private void allocate(long cap) {
        allocate(cap, false);
    }

    /** @param faultedAtOnce the table is presized and faulted in at once ({@link #reserve}): see {@code NativeMemory.hugePages} */
    private void allocate(long cap, boolean faultedAtOnce) {
        this.capacity = cap;
        this.mask = cap - 1;
        this.shift = Long.numberOfLeadingZeros(cap) + 1;
        this.growAt = (long) (cap * load);
        this.arena = Arena.ofShared();
        this.mem = NativeMemory.allocate(arena, cap << slotShift, faultedAtOnce);
        this.base = RAW ? mem.address() : 0;
    }

    /** Doubles the table and reinserts every entry; offsets handed out before are invalid after. */
    private void grow() {
        Arena oldArena = arena;
        MemorySegment old = mem;
        long oldCap = capacity;
        if (prefault != null) { // the old table is about to go
            prefault.stop();
            prefault = null;
        }
        allocate(capacity * 2);
        long slot = 1L << slotShift;
        for (long i = 0; i < oldCap; i++) {
            long off = i << slotShift;
            int c = old.get(INT, off + 16);
            if (c == 0) continue;
            long j = hash(old.get(LONG, off), old.get(LONG, off + 8), c) >>> shift;
            while (mem.get(INT, (j << slotShift) + 16) != 0) j = (j + 1) & mask;
            MemorySegment.copy(old, off, mem, j << slotShift, slot);
        }
        oldArena.close();
    }

    /**
     * Makes room at the bound: ends at least a quarter of {@link #maxEntries} entries, those seen least
     * recently first (by the unsigned second at {@code lastSeenOffset} of each slot; within the
     * cutoff second, in table order, so a table filled within one second loses a quarter, not
     * everything). One walk counts the entries by age, a second calls {@code end} with each slot to
     * end, which must {@link #delete} it (a later entry may move into the slot, so it is looked at
     * again). Returns the oldest last-seen second among the entries kept ({@code Long.MAX_VALUE} if
     * none). A rare walk (once per quarter of the bound of new keys), so its 512 KB histogram is fine.
     */
    long evictLeastRecent(long sec, int lastSeenOffset, java.util.function.LongConsumer end) {
        int buckets = 1 << 16; // seconds since last seen; older than ~18 hours: the last bucket
        long[] byAge = new long[buckets];
        for (long i = 0; i < capacity; i++) {
            if (used(i)) byAge[ageBucket(sec, mem.get(INT, slotOffset(i) + lastSeenOffset), buckets)]++;
        }
        // Every entry older than the cutoff bucket goes, and from that bucket as many as make up the quarter.
        long want = Math.max(1, maxEntries / 4), older = 0;
        int cutoff = buckets - 1;
        while (cutoff > 0 && older + byAge[cutoff] < want) older += byAge[cutoff--];
        long fromCutoff = want - older;
        long oldestKept = Long.MAX_VALUE;
        for (long i = 0; i < capacity; ) {
            if (!used(i)) {
                i++;
                continue;
            }
            int last = mem.get(INT, slotOffset(i) + lastSeenOffset);
            int bucket = ageBucket(sec, last, buckets);
            if (bucket > cutoff || (bucket == cutoff && fromCutoff-- > 0)) {
                end.accept(i); // deletes slot i: look at it again
            } else {
                oldestKept = Math.min(oldestKept, Integer.toUnsignedLong(last));
                i++;
            }
        }
        return oldestKept;
    }

    private static int ageBucket(long sec, int lastSeen, int buckets) {
        long age = sec - Integer.toUnsignedLong(lastSeen);
        return (int) Math.max(0, Math.min(buckets - 1, age));
    }

    /** The key's hash; a slot's home is its top bits ({@code h >>> shift}). */
    static long hash(long a, long b, int c) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31) ^ (c * 0x165667B19E3779F9L);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    long capacity() {
        return capacity;
    }

    long size() {
        return size;
    }

    long maxEntries() {
        return maxEntries;
    }

    /** Off-heap bytes in use now. */
    long bytes() {
        return capacity << slotShift;
    }

    /** Off-heap bytes at the bound. */
    long maxBytes() {
        return maxCapacity << slotShift;
    }

    /** Keys refused because the table was at its bound. */
    long dropped() {
        return dropped;
    }

    long slotOffset(long index) {
        return index << slotShift;
    }

    /**
     * Offset of the slot for the key, inserting a zeroed slot when absent; -1 when the
     * table is full. {@link #lastInserted} tells whether the slot is new.
     */
    long findOrInsert(long a, long b, int c) {
        return findOrInsert(hash(a, b, c), a, b, c);
    }

    /** {@link #findOrInsert(long, long, int)} with the key's {@link #hash} computed by the caller. */
    long findOrInsert(long h, long a, long b, int c) {
        if (size >= growAt && capacity < maxCapacity) grow();
        MemorySegment v = view();
        long i = h >>> shift;
        while (true) {
            long off = i << slotShift;
            long at = base + off;
            int sc = v.get(INT, at + 16);
            if (sc == 0) {
                if (size >= maxEntries) {
                    dropped++;
                    return -1;
                }
                // Empty slots are all zero already (fresh memory, and delete() zeroes the hole it leaves).
                v.set(LONG, at, a);
                v.set(LONG, at + 8, b);
                v.set(INT, at + 16, c);
                size++;
                lastInserted = true;
                return off;
            }
            if (sc == c && v.get(LONG, at) == a && v.get(LONG, at + 8) == b) {
                lastInserted = false;
                return off;
            }
            i = (i + 1) & mask;
        }
    }

    boolean lastInserted;

    /** Offset of the key's slot, or -1 when absent. */
    long find(long a, long b, int c) {
        long i = hash(a, b, c) >>> shift;
        while (true) {
            long off = i << slotShift;
            int sc = mem.get(INT, off + 16);
            if (sc == 0) return -1;
            if (sc == c && mem.get(LONG, off) == a && mem.get(LONG, off + 8) == b) return off;
            i = (i + 1) & mask;
        }
    }

    /**
     * Loads the home slot of the key with hash {@code h} (its cache line) without
     * changing anything, where {@link #prefetch} is not available: Java has no prefetch
     * instruction of its own, so a load whose value is used
     * later stands in for one. Kept to a handful of instructions so that a loop of them
     * fits many misses in the processor's reorder window at once.
     *
     * <p>It loads the next slot's line too: at load 0.45 (round 7's benchmark) a linear probe for a
     * present key goes past its home slot for ~21 % of lookups (measured: displacement 1 for 13 %,
     * ≥ 2 for 9 %), and that miss came alone, not overlapped, in the middle of the packet's
     * processing. Same page, so no second page walk. Measured (round 7, ab.sh, 1 M sources): ~+10 %
     * packets per CPU-second; a third line, or loading the second only where needed, did not
     * help (round 8); the scan table now grows at load 0.35, which leaves ~1-2 % of lookups past
     * the two loaded slots.
     */
    int touch(long h) {
        MemorySegment v = view();
        long i = h >>> shift;
        return v.get(INT, base + (i << slotShift) + 16) + v.get(INT, base + (((i + 1) & mask) << slotShift) + 16);
    }

    /** Line addresses for {@link #prefetch}: two a key. */
    private long[] lineAddresses;

    /**
     * Starts loading the lines {@link #touch} loads for the keys with hashes {@code h[from .. to)}, without
     * waiting for them ({@link Prefetch}; only where it is available and {@link #base} is an address,
     * {@link NativeMemory#RAW}). A table that grows before the keys are looked up only makes it useless.
     */
    void prefetch(long[] h, int from, int to) {
        int n = to - from;
        if (lineAddresses == null || lineAddresses.length < 2 * n) lineAddresses = new long[Math.max(128, 2 * n)];
        long[] out = lineAddresses;
        for (int k = 0; k < n; k++) {
            long i = h[from + k] >>> shift;
            out[2 * k] = base + (i << slotShift);
            out[2 * k + 1] = base + (((i + 1) & mask) << slotShift);
        }
        Prefetch.lines(out, 2 * n);
    }

    private void zero(long off) {
        long end = off + (1L << slotShift);
        for (long o = off; o < end; o += 8) mem.set(LONG, o, 0L);
    }

    boolean used(long index) {
        return mem.get(INT, (index << slotShift) + 16) != 0;
    }

    /**
     * Removes the entry at {@code index} by shifting back later entries of its probe run.
     * The caller iterating by index must look at {@code index} again afterwards.
     */
    void delete(long index) {
        long hole = index;
        long j = index;
        long slot = 1L << slotShift;
        while (true) {
            j = (j + 1) & mask;
            long offJ = j << slotShift;
            int cj = mem.get(INT, offJ + 16);
            if (cj == 0) break;
            long home = hash(mem.get(LONG, offJ), mem.get(LONG, offJ + 8), cj) >>> shift;
            // Move j into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (stays) continue;
            MemorySegment.copy(mem, offJ, mem, hole << slotShift, slot);
            hole = j;
        }
        zero(hole << slotShift);
        size--;
    }

    @Override
    public void close() {
        release();
    }
}
