package org.renkei.sensor.detect;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A software prefetch for the packet path: asks the processor to start loading the cache lines at
 * a list of addresses, without waiting for them.
 *
 * <p>Why: with a million sources every packet's state slot is a cache miss in a table of hundreds of
 * MB. Java has no prefetch instruction; the pipeline's stand-in, a burst of ordinary loads of the
 * next group's slots ({@code ScanDetector.touch}), blocks the processor's retirement until the first
 * of those lines arrives, so each group of 32 packets still waits about one memory latency, and the
 * loads cannot be issued further ahead than the group they belong to. A prefetch instruction does
 * not block: the pipeline issues the next group's prefetches and processes this group meanwhile,
 * so the lines arrive while there is work to do. Measured (round 10, {@code ab.sh}, 1 M sources):
 * +7-14 % packets per CPU-second; in C on this VM, ~22 → ~9 ns of memory stall a packet.
 *
 * <p>How: there is no library for one instruction, so the function is 21 bytes of x86-64 machine
 * code, copied into a page of its own that is then made executable (as the JVM does for its own
 * compiled code) and called through the foreign-function interface as a "critical" downcall (no
 * thread-state change; it may read a heap array directly). It is
 * <pre>
 *   void prefetch(const long *addresses, long n)   // System V ABI: rdi = addresses, rsi = n
 *     test rsi, rsi ; jle done
 *   loop:
 *     mov rax, [rdi] ; prefetcht0 [rax] ; add rdi, 8 ; dec rsi ; jnz loop
 *   done:
 *     ret
 * </pre>
 * It reads only {@code addresses[0 .. n)} (a Java array the caller owns, {@code n} checked against
 * its length) and otherwise only issues prefetches, which never fault, whatever the address, and
 * change no data: a stale or wrong address costs a useless load, never a wrong result.
 *
 * <p>Only on Linux on x86-64 with native access granted; elsewhere {@link #AVAILABLE} is false and
 * the pipeline keeps the burst of loads. {@code -Drenkei.sensor.prefetch=false} turns it off.
 */
final class Prefetch {
    private static final byte[] X86_64 = {
        0x48, (byte) 0x85, (byte) 0xf6,             // test rsi, rsi
        0x7e, 0x0f,                                 // jle +15 (ret)
        0x48, (byte) 0x8b, 0x07,                    // loop: mov rax, [rdi]
        0x0f, 0x18, 0x08,                           // prefetcht0 [rax]
        0x48, (byte) 0x83, (byte) 0xc7, 0x08,       // add rdi, 8
        0x48, (byte) 0xff, (byte) 0xce,             // dec rsi
        0x75, (byte) 0xf1,                          // jnz -15 (loop)
        (byte) 0xc3                                 // ret
    };
    private static final int PROT_READ = 1, PROT_EXEC = 4, PAGE = 4096;

    private static final MethodHandle PREFETCH = load();
    /** Whether {@link #lines} prefetches; a constant, so the JIT keeps one of the callers' two paths. */
    static final boolean AVAILABLE = PREFETCH != null;

    private Prefetch() {
    }

    private static MethodHandle load() {
        try {
            if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) return null;
            String arch = System.getProperty("os.arch", "");
            if (!arch.equals("amd64") && !arch.equals("x86_64")) return null;
            if ("false".equals(System.getProperty("renkei.sensor.prefetch"))) return null;
            if (NativeMemory.MMAP == null) return null;
            Linker linker = Linker.nativeLinker();
            MethodHandle mprotect = linker.downcallHandle(linker.defaultLookup().find("mprotect").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            MemorySegment page = (MemorySegment) NativeMemory.MMAP.invokeExact(MemorySegment.NULL, (long) PAGE, NativeMemory.PROT_READ_WRITE,
                    NativeMemory.MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (page.address() == -1L || page.address() == 0) return null;
            page = page.reinterpret(PAGE); // kept for the life of the process
            MemorySegment.copy(MemorySegment.ofArray(X86_64), 0, page, 0, X86_64.length);
            if ((int) mprotect.invokeExact(page, (long) PAGE, PROT_READ | PROT_EXEC) != 0) return null;
            return linker.downcallHandle(page, FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                    Linker.Option.critical(true));
        } catch (Throwable e) { // native access denied, or no such call: the loads stand in
            return null;
        }
    }

    /** Starts loading the lines at {@code addresses[0 .. n)} into the cache, without waiting. */
    static void lines(long[] addresses, int n) {
        if (n > addresses.length) throw new IndexOutOfBoundsException(n);
        try {
            PREFETCH.invokeExact(MemorySegment.ofArray(addresses), (long) n);
        } catch (Throwable e) {
            throw new IllegalStateException("prefetch failed", e); // cannot happen: the call has no failure mode
        }
    }
}
