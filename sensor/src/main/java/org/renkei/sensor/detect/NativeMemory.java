package org.renkei.sensor.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Zeroed off-heap memory for the detector tables. On Linux large blocks come straight
 * from an anonymous {@code mmap}, aligned to 2 MiB and advised {@code MADV_HUGEPAGE}
 * before first touch: a table of hundreds of MB read at random would otherwise pay a TLB
 * miss per packet and a page fault per 4 KiB on first use. Elsewhere (or when native
 * access is denied) it falls back to {@link Arena#allocate}.
 */
final class NativeMemory {
    private static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 3, MAP_PRIVATE_ANONYMOUS = 0x22, MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP, MUNMAP, MADVISE;

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

    private static void unmap(MemorySegment segment) {
        try {
            int ignored = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable e) {
            // nothing useful to do while closing
        }
    }
}
