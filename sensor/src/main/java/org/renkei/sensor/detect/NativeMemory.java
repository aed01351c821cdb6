package org.renkei.sensor.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import org.renkei.sensor.pcap.RawMemory;

/**
 * Zeroed off-heap memory for the detector tables. On Linux large blocks come straight
 * from an anonymous {@code mmap}, aligned to 2 MiB and, where {@link #hugePages} says so,
 * advised {@code MADV_HUGEPAGE} before first touch: a table of hundreds of MB read at random
 * would otherwise pay a longer page walk per packet and a page fault per 4 KiB on first use.
 * Elsewhere (or when native access is denied) it falls back to {@link Arena#allocate}.
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

    /** {@code -Drenkei.sensor.hugepages=true|false}: always or never huge pages; unset: see {@link #hugePages}. */
    private static final String HUGE_PAGES_SETTING = System.getProperty("renkei.sensor.hugepages");
    /** Whether this machine's kernel hands free memory back to a hypervisor: read from sysfs when first asked. */
    private static final class Host {
        static final boolean REPORTS_FREE_PAGES = reportsFreePages(Path.of("/sys/bus/virtio/devices"));
    }

    /**
     * Whether memory is mapped on transparent huge pages: always, unless {@code renkei.sensor.hugepages}
     * says otherwise, or it is {@code faultedAtOnce} (all of it touched within one short run, such as
     * {@code analyze}'s presized table) on a virtual machine that reports its free memory to the host.
     * There, a fresh 2 MiB page comes back from the host on its first touch at about a tenth of the
     * speed of 4 KiB pages: a C probe faulting 1 GiB took 1.5-2.6 s on huge pages a few seconds after
     * the memory was last freed and 0.24 s on 4 KiB pages (round 11, docs/sensor.md); whole 20 M-packet
     * {@code analyze} runs 4.8-5.3 s against 3.0-3.2 s. Huge pages are kept for what lives long (the
     * live sensor's growing tables), where a page walk fewer per packet is worth ~10 % (CpuTimeBenchmark
     * 10.8-11.2 vs 9.8-10.1 M packets per CPU-second on 4 KiB pages).
     */
    static boolean hugePages(boolean faultedAtOnce) {
        return hugePages(faultedAtOnce, HUGE_PAGES_SETTING, () -> Host.REPORTS_FREE_PAGES);
    }

    static boolean hugePages(boolean faultedAtOnce, String setting, java.util.function.BooleanSupplier reportsFreePages) {
        if (setting != null) return !"false".equals(setting);
        return !(faultedAtOnce && reportsFreePages.getAsBoolean());
    }

    /**
     * Whether a virtio balloon device (device id 5) under {@code devices} (sysfs:
     * {@code /sys/bus/virtio/devices}) negotiated free page reporting (feature bit 5,
     * VIRTIO_BALLOON_F_REPORTING): the guest kernel then returns free memory to the host, which
     * backs it again only when it is touched.
     */
    static boolean reportsFreePages(Path devices) {
        try (var list = Files.newDirectoryStream(devices)) {
            for (Path d : list) {
                Path id = d.resolve("device"), features = d.resolve("features");
                if (!Files.isReadable(id) || !Files.isReadable(features)) continue;
                if (!Files.readString(id).trim().equals("0x0005")) continue;
                String bits = Files.readString(features).trim();
                if (bits.length() > 5 && bits.charAt(5) == '1') return true;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no sysfs (not Linux, or a container without it): assume an ordinary host
        }
        return false;
    }

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
        return allocate(arena, bytes, false);
    }

    /** {@link #allocate(Arena, long)}; {@code faultedAtOnce}: see {@link #hugePages(boolean)}. */
    static MemorySegment allocate(Arena arena, long bytes, boolean faultedAtOnce) {
        return allocateAdvised(arena, bytes, hugePages(faultedAtOnce));
    }

    /** {@link #allocate(Arena, long)}, advised {@code MADV_HUGEPAGE} if {@code huge}. */
    static MemorySegment allocateAdvised(Arena arena, long bytes, boolean huge) {
        if (MMAP == null || bytes < 2 * HUGE_PAGE) return arena.allocate(bytes, 64);
        try {
            long length = bytes + HUGE_PAGE;
            MemorySegment raw = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (raw.address() == -1L || raw.address() == 0) return arena.allocate(bytes, 64);
            long base = raw.address();
            long aligned = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
            MemorySegment whole = raw.reinterpret(length, arena, NativeMemory::unmap);
            MemorySegment usable = whole.asSlice(aligned - base, bytes);
            if (huge) {
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
        if (MADVISE != null && segment.isNative() && segment.byteSize() >= 2 * HUGE_PAGE && PREFAULT) p.start();
        return p;
    }

    /** Memory allocated and being faulted in ahead of its table: see {@code SlotTable.prepare}. */
    record Prepared(Arena arena, MemorySegment segment, Prefault prefault) {
    }

    private static final java.util.concurrent.atomic.AtomicReference<Prepared> PREPARED = new java.util.concurrent.atomic.AtomicReference<>();

    /** Allocates {@code bytes} and starts pre-faulting them for a later {@link #takePrepared} (replaces an unclaimed one). */
    static void prepare(long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment segment = allocate(arena, bytes, true);
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
        /**
         * Threads that fault the segment in, chunks in turn: two faulted 1 GiB of huge pages that the host
         * had to back again in 0.8-1.0 s instead of 1.5-2.6 s, and 4 KiB pages in 0.15 s instead of 0.24 s
         * (round 11); the packet threads start meanwhile.
         */
        private static final int THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
        private final MemorySegment segment;
        private final Thread[] threads = new Thread[THREADS];
        private volatile boolean stop;

        private Prefault(MemorySegment segment) {
            this.segment = segment;
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                threads[t] = Thread.ofPlatform().daemon().name("renkei-prefault").unstarted(() -> run(first));
            }
        }

        private void start() {
            for (Thread t : threads) t.start();
        }

        private void run(int first) {
            try {
                for (long at = first * CHUNK, n = segment.byteSize(); at < n && !stop; at += THREADS * CHUNK) {
                    long length = Math.min(CHUNK, n - at);
                    int rc = (int) MADVISE.invokeExact(segment.asSlice(at, length), length, MADV_POPULATE_WRITE);
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
            for (Thread thread : threads) {
                while (thread.isAlive()) {
                    try {
                        thread.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
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
