package org.renkei.sensor.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import org.renkei.sensor.pcap.RawMemory;

/**
 * Zeroed off-heap memory for the detector tables. On Linux large blocks come straight
 * from an anonymous {@code mmap}, aligned to 2 MiB and advised {@code MADV_HUGEPAGE}
 * before first touch: a table of hundreds of MB read at random would otherwise pay a TLB
 * miss per packet and a page fault per 4 KiB on first use. Elsewhere (or when native
 * access is denied) it falls back to {@link Arena#allocate}.
 */
final class NativeMemory {
    private static final long HUGE_PAGE = 2L << 20;
    static final int PROT_READ_WRITE = 3, MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final int MADV_HUGEPAGE = 14, MADV_POPULATE_WRITE = 23;
    /** {@code mmap(2)} (also for {@link Prefetch}'s page), {@code munmap(2)}, {@code madvise(2)}; null off Linux. */
    static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP, MADVISE;

    static {
        MethodHandle mmap = null, munmap = null, madvise = null;
        try {
            if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                Linker linker = Linker.nativeLinker();
                var lookup = linker.defaultLookup();
                mmap = linker.downcallHandle(lookup.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(lookup.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(lookup.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            }
        } catch (RuntimeException | Error e) {
            mmap = munmap = madvise = null; // fall back to the arena
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
    }

    /** {@code -Drenkei.sensor.hugepages=false} keeps 4 KiB pages (still lazily zeroed by mmap). */
    private static final boolean HUGE_PAGES = !"false".equals(System.getProperty("renkei.sensor.hugepages"));

    private NativeMemory() {
    }

    /**
     * {@link RawMemory#ALL}, through which the per-packet path reads and writes a table by absolute
     * address ({@code SlotTable.base} + offset): +4 % packets per CPU-second with 1 M sources (round
     * 8). Safe only because every such offset is a slot of the live table (an index masked by its
     * capacity) and the table is not used after {@code close}, which the single-threaded owner
     * guarantees. Null where native access is denied: the tables then use their own segments.
     */
    static final MemorySegment ALL = RawMemory.ALL;
    /** Whether {@link #ALL} exists; a constant, so the JIT keeps only one of the two paths. */
    static final boolean RAW = ALL != null;

    /** A zeroed segment of {@code bytes}, 64-byte aligned at least, freed when {@code arena} closes. */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (MMAP == null || bytes < 2 * HUGE_PAGE) return arena.allocate(bytes, 64);
        try {
            long length = bytes + HUGE_PAGE;
            MemorySegment raw = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (raw.address() == -1L || raw.address() == 0) return arena.allocate(bytes, 64);
            long base = raw.address();
            long aligned = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
            MemorySegment whole = raw.reinterpret(length, arena, NativeMemory::unmap);
            MemorySegment usable = whole.asSlice(aligned - base, bytes);
            if (HUGE_PAGES) {
                int ignored = (int) MADVISE.invokeExact(usable, bytes, MADV_HUGEPAGE);
            }
            return usable;
        } catch (Throwable e) {
            return arena.allocate(bytes, 64);
        }
    }

    /**
     * Faults in the pages of {@code segment} (from {@link #allocate}) on a background thread,
     * so that the kernel's zeroing of fresh pages (a sixth of a cold {@code analyze} of 20 M
     * packets, on the packet thread) overlaps the work instead of stalling it. Uses
     * {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+), which maps the pages writable without
     * changing their contents, so the owner may write to the segment meanwhile; elsewhere, or on
     * older kernels, it does nothing. {@link Prefault#stop()} must be called before the segment's
     * arena is closed (the call holds the arena open).
     */
    static Prefault prefault(MemorySegment segment) {
        Prefault p = new Prefault(segment);
        if (MADVISE != null && segment.isNative() && segment.byteSize() >= 2 * HUGE_PAGE && PREFAULT) p.thread.start();
        return p;
    }

    /** Memory allocated and being faulted in ahead of its table: see {@code SlotTable.prepare}. */
    record Prepared(Arena arena, MemorySegment segment, Prefault prefault) {
    }

    private static final java.util.concurrent.atomic.AtomicReference<Prepared> PREPARED = new java.util.concurrent.atomic.AtomicReference<>();

    /** Allocates {@code bytes} and starts pre-faulting them for a later {@link #takePrepared} (replaces an unclaimed one). */
    static void prepare(long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment segment = allocate(arena, bytes);
        Prepared old = PREPARED.getAndSet(new Prepared(arena, segment, prefault(segment)));
        if (old != null) {
            old.prefault().stop();
            old.arena().close();
        }
    }

    /** The prepared memory if it is {@code bytes} long (it is then the caller's), else null. */
    static Prepared takePrepared(long bytes) {
        Prepared p = PREPARED.get();
        if (p == null || p.segment().byteSize() != bytes || !PREPARED.compareAndSet(p, null)) return null;
        return p;
    }

    /** {@code -Drenkei.sensor.prefault=false} leaves page faults to the first access. */
    private static final boolean PREFAULT = !"false".equals(System.getProperty("renkei.sensor.prefault"));

    /** A background pre-fault of one segment; see {@link #prefault}. */
    static final class Prefault {
        private static final long CHUNK = 16L << 20;
        private final MemorySegment segment;
        private final Thread thread;
        private volatile boolean stop;

        private Prefault(MemorySegment segment) {
            this.segment = segment;
            this.thread = Thread.ofPlatform().daemon().name("renkei-prefault").unstarted(this::run);
        }

        private void run() {
            try {
                for (long at = 0, n = segment.byteSize(); at < n && !stop; at += CHUNK) {
                    int rc = (int) MADVISE.invokeExact(segment.asSlice(at, Math.min(CHUNK, n - at)), Math.min(CHUNK, n - at), MADV_POPULATE_WRITE);
                    if (rc != 0) return; // EINVAL before Linux 5.14: pages fault on first use as before
                }
            } catch (Throwable e) {
                // only an optimisation
            }
        }

        /** Stops and waits for the pre-fault (at most one chunk's worth of work). */
        void stop() {
            stop = true;
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static void unmap(MemorySegment segment) {
        try {
            int ignored = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable e) {
            // nothing useful to do while closing
        }
    }
}
