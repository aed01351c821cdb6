package org.renkei.sensor.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The end-of-input grouping of scan entries by source ({@link ScanDetector#collectActivityAndFinish}),
 * by radix partitioning: a walk of the scan table appends each active entry's (source, slot,
 * packets) to one of {@link #PARTITIONS} streams by the top bits of its source's hash, and each
 * partition (a few thousand sources) is then counted in a table that stays in the core's cache.
 *
 * <p>Why: counting 7.35 M entries straight into one table of a million sources (32-byte slots,
 * 32 MiB a half) cost a random miss, and on a virtual machine a page walk, per entry: ~0.3 s of the
 * ~0.5 s report of a 20 M-packet {@code analyze}, more than reading the 1 GiB table. Appending to
 * 256 streams writes a few lines that stay in L1, and a partition's counting table fits in L2.
 *
 * <p>A record is 16 bytes: the source's identity (an IPv4 address as it is, below 2^32; an IPv6
 * source's 64-bit hash with the top bit set) and (slot << 32 | packets); an IPv6 record is followed by
 * a second 16 bytes with the address, so that sources whose hashes collide are still told apart.
 * Streams are chunks of {@link #CHUNK} records in one lazily zeroed mapping per walk. One instance
 * per walking thread; {@link #count} reads the instances of all walks once they are done.
 */
final class SourcePartitions implements AutoCloseable {
    static final int PARTITIONS = 256;
    private static final int CHUNK = 2048;
    private static final long RECORD = 16;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment mem;
    private final long maxChunks;
    /** Per partition: its first and current chunk and how many records the current one holds. */
    private final int[] first = new int[PARTITIONS], last = new int[PARTITIONS], fill = new int[PARTITIONS];
    /** Per chunk: the partition's next chunk, or -1. */
    private int[] nextChunk = new int[1024];
    private int chunks;

    /** @param maxEntries at most this many entries will be added (each takes 1 or 2 records) */
    SourcePartitions(long maxEntries) {
        // A chunk holds at least CHUNK - 1 records (an IPv6 pair does not straddle two), and each
        // partition's last chunk may be part-filled.
        this.maxChunks = (2 * maxEntries + CHUNK - 2) / (CHUNK - 1) + PARTITIONS;
        this.mem = NativeMemory.allocate(arena, maxChunks * CHUNK * RECORD, true); // written once, at the end of a run
        java.util.Arrays.fill(first, -1);
    }

    /** Adds a scan entry of source (a, b, family) in table slot {@code slot} with {@code packets}; {@code hash} = SlotTable.hash(a, b, family). */
    void add(long hash, long a, long b, int family, long slot, int packets) {
        int p = (int) (hash >>> 56);
        boolean v6 = family != 4;
        int need = v6 ? 2 : 1;
        if (first[p] < 0 || fill[p] + need > CHUNK) newChunk(p);
        long at = ((long) last[p] * CHUNK + fill[p]) * RECORD;
        mem.set(SlotTable.LONG, at, v6 ? hash | Long.MIN_VALUE : a);
        mem.set(SlotTable.LONG, at + 8, slot << 32 | Integer.toUnsignedLong(packets));
        if (v6) {
            mem.set(SlotTable.LONG, at + 16, a);
            mem.set(SlotTable.LONG, at + 24, b);
        }
        fill[p] += need;
    }

    private void newChunk(int p) {
        if (chunks == maxChunks) throw new IllegalStateException("source partitions: more entries than the " + maxChunks + " chunks sized for");
        if (chunks == nextChunk.length) nextChunk = java.util.Arrays.copyOf(nextChunk, chunks * 2);
        int c = chunks++;
        nextChunk[c] = -1;
        if (first[p] < 0) first[p] = c;
        else nextChunk[last[p]] = c;
        last[p] = c;
        fill[p] = 0;
    }

    /** Records (16-byte units) in partition {@code p}. */
    private long records(int p) {
        long n = 0;
        for (int c = first[p]; c >= 0; c = nextChunk[c]) n += c == last[p] ? fill[p] : CHUNK;
        return n;
    }

    /** Calls {@code visitor} with the byte offset in {@link #mem} of each record that starts an entry of partition {@code p}. */
    private void forEach(int p, RecordVisitor visitor) {
        for (int c = first[p]; c >= 0; c = nextChunk[c]) {
            long at = (long) c * CHUNK * RECORD, end = at + (c == last[p] ? fill[p] : CHUNK) * RECORD;
            while (at < end) {
                visitor.visit(at);
                at += mem.get(SlotTable.LONG, at) < 0 ? 2 * RECORD : RECORD;
            }
        }
    }

    @FunctionalInterface
    private interface RecordVisitor {
        void visit(long at);
    }

    /** A source found by {@link #count}: its key as the scan table holds it, and its packets. */
    record Source(int family, long a, long b, long packets) {
        String text() {
            return Addresses.of(family, a, b);
        }
    }

    /** What {@link #count} found in its partitions: how many sources, and the busiest {@code k}. */
    record Counted(long sources, java.util.List<Source> busiest) {
    }

    /**
     * Counts the packets of every source of partitions {@code [fromPartition, toPartition)} over the
     * records that {@code walks} hold for them, and keeps the {@code k} with the most packets (ties: the
     * source whose text sorts first, as the report orders them). Reads the walks' records only.
     */
    static Counted count(SourcePartitions[] walks, int fromPartition, int toPartition, int k) {
        Counter counter = new Counter(walks, k);
        for (int p = fromPartition; p < toPartition; p++) counter.partition(p);
        return new Counted(counter.sources, counter.busiest.sorted());
    }

    /**
     * The table slots of the entries of source (family, a, b), ascending: the order a walk of the
     * table meets them, which the details of a source (its first 16 ports) follow.
     */
    static long[] slotsOf(SourcePartitions[] walks, int family, long a, long b) {
        long hash = SlotTable.hash(a, b, family);
        int p = (int) (hash >>> 56);
        long id = family != 4 ? hash | Long.MIN_VALUE : a;
        long[][] found = {new long[8]};
        int[] n = {0};
        for (SourcePartitions w : walks) {
            MemorySegment m = w.mem;
            w.forEach(p, at -> {
                if (m.get(SlotTable.LONG, at) != id) return;
                if (id < 0 && (m.get(SlotTable.LONG, at + 16) != a || m.get(SlotTable.LONG, at + 24) != b)) return;
                if (n[0] == found[0].length) found[0] = java.util.Arrays.copyOf(found[0], n[0] * 2);
                found[0][n[0]++] = m.get(SlotTable.LONG, at + 8) >>> 32;
            });
        }
        long[] slots = java.util.Arrays.copyOf(found[0], n[0]);
        java.util.Arrays.sort(slots);
        return slots;
    }

    /** One thread's counting of partitions: a small open-addressing table reused from partition to partition. */
    private static final class Counter {
        private final SourcePartitions[] walks;
        private final Busiest busiest;
        private long sources;
        private long[] ids = new long[0], packets = new long[0], reps = new long[0];
        private int[] stamps = new int[0];
        private int stamp, mask, shift;

        Counter(SourcePartitions[] walks, int k) {
            this.walks = walks;
            this.busiest = new Busiest(k);
        }

        void partition(int p) {
            long records = 0;
            for (SourcePartitions w : walks) records += w.records(p);
            if (records == 0) return;
            int cap = Integer.highestOneBit((int) Math.max(16, Math.min(1 << 30, records * 2)) - 1) << 1;
            if (cap > stamps.length) {
                ids = new long[cap];
                packets = new long[cap];
                reps = new long[cap];
                stamps = new int[cap];
                stamp = 0;
            }
            stamp++; // slots stamped by earlier partitions are free: no clearing
            mask = cap - 1;
            shift = 64 - Integer.numberOfTrailingZeros(cap);
            for (int w = 0; w < walks.length; w++) {
                int wi = w;
                MemorySegment m = walks[w].mem;
                walks[w].forEach(p, at -> add(m, wi, at));
            }
            for (int i = 0; i <= mask; i++) {
                if (stamps[i] != stamp) continue;
                sources++;
                long rep = reps[i];
                MemorySegment m = walks[(int) (rep >>> 48)].mem;
                long at = rep & 0xFFFF_FFFF_FFFFL;
                long id = ids[i];
                if (id < 0) busiest.offer(6, m.get(SlotTable.LONG, at + 16), m.get(SlotTable.LONG, at + 24), packets[i]);
                else busiest.offer(4, id, 0, packets[i]);
            }
        }

        private void add(MemorySegment m, int walk, long at) {
            long id = m.get(SlotTable.LONG, at);
            long pk = m.get(SlotTable.LONG, at + 8) & 0xFFFF_FFFFL;
            int i = (int) ((id * 0x9E3779B97F4A7C15L) >>> shift);
            while (true) {
                if (stamps[i] != stamp) {
                    stamps[i] = stamp;
                    ids[i] = id;
                    packets[i] = pk;
                    reps[i] = (long) walk << 48 | at;
                    return;
                }
                if (ids[i] == id && (id >= 0 || sameIpv6(reps[i], m, at))) {
                    packets[i] += pk;
                    return;
                }
                i = (i + 1) & mask;
            }
        }

        private boolean sameIpv6(long rep, MemorySegment m, long at) {
            MemorySegment r = walks[(int) (rep >>> 48)].mem;
            long ra = rep & 0xFFFF_FFFF_FFFFL;
            return r.get(SlotTable.LONG, ra + 16) == m.get(SlotTable.LONG, at + 16) && r.get(SlotTable.LONG, ra + 24) == m.get(SlotTable.LONG, at + 24);
        }
    }

    /**
     * The {@code k} sources with the most packets, ties going to the source whose text sorts first: a
     * bounded min-heap, so that choosing ten among millions costs about one comparison a source (a
     * source's text is made only when its packets tie with the heap's least).
     */
    static final class Busiest {
        private final Source[] heap;
        private final String[] texts;
        private int size;

        Busiest(int k) {
            heap = new Source[k];
            texts = new String[k];
        }

        void offer(int family, long a, long b, long packets) {
            int k = heap.length;
            if (k == 0) return;
            if (size == k && packets < heap[0].packets()) return;
            Source s = new Source(family, a, b, packets);
            String text = null;
            if (size < k) { // sift up
                int j = size++;
                while (j > 0) {
                    int parent = (j - 1) / 2;
                    if (heap[parent].packets() < packets) break;
                    if (heap[parent].packets() == packets) {
                        if (text == null) text = s.text();
                        if (text(parent).compareTo(text) > 0) break; // the parent is worse: s stays below it
                    }
                    heap[j] = heap[parent];
                    texts[j] = texts[parent];
                    j = parent;
                }
                heap[j] = s;
                texts[j] = text;
                return;
            }
            if (packets == heap[0].packets()) { // a tie with the least: s replaces it only if it sorts first
                text = s.text();
                if (text.compareTo(text(0)) >= 0) return;
            }
            int j = 0; // replace the least, sift down
            while (true) {
                int child = 2 * j + 1;
                if (child >= k) break;
                if (child + 1 < k && worse(child + 1, child)) child++;
                if (heap[child].packets() > packets) break;
                if (heap[child].packets() == packets) {
                    if (text == null) text = s.text();
                    if (text(child).compareTo(text) < 0) break; // the child is better: s stays above it
                }
                heap[j] = heap[child];
                texts[j] = texts[child];
                j = child;
            }
            heap[j] = s;
            texts[j] = text;
        }

        /** Whether heap entry i is worse than entry j (fewer packets, or as many and a text sorting later). */
        private boolean worse(int i, int j) {
            if (heap[i].packets() != heap[j].packets()) return heap[i].packets() < heap[j].packets();
            return text(i).compareTo(text(j)) > 0;
        }

        private String text(int i) {
            if (texts[i] == null) texts[i] = heap[i].text();
            return texts[i];
        }

        /** The sources kept, busiest first. */
        java.util.List<Source> sorted() {
            java.util.List<Source> out = new java.util.ArrayList<>(java.util.Arrays.asList(heap).subList(0, size));
            out.sort(BUSIEST_FIRST);
            return out;
        }
    }

    /** Most packets first, then the source whose text sorts first. */
    static final java.util.Comparator<Source> BUSIEST_FIRST = java.util.Comparator.comparingLong(Source::packets).reversed()
            .thenComparing(Source::text);

    @Override
    public void close() {
        arena.close();
    }
}
