package org.renkei.sensor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The hand-made prefetch function ({@link Prefetch}): it runs, reads only its array, and changes nothing. */
class PrefetchTest {

    @Test
    void prefetchingLinesChangesNothingAndAnyAddressIsHarmless() {
        Assumptions.assumeTrue(Prefetch.AVAILABLE, "no prefetch on this machine (not Linux on x86-64)");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = NativeMemory.allocate(arena, 8L << 20);
            for (long o = 0; o < table.byteSize(); o += 64) table.set(SlotTable.LONG, o, o * 7);
            long[] addresses = new long[256];
            for (int i = 0; i < addresses.length; i++) addresses[i] = table.address() + ((i * 7919L) % (table.byteSize() / 64)) * 64;
            Prefetch.lines(addresses, addresses.length);
            Prefetch.lines(addresses, 0);
            // Prefetches never fault: null, unmapped, kernel and non-canonical addresses are ignored.
            Prefetch.lines(new long[] {0, 1L << 46, 0xFFFF_FFFF_FFFF_F000L, 0x8000_0000_0000_0000L}, 4);
            for (long o = 0; o < table.byteSize(); o += 64) assertThat(table.get(SlotTable.LONG, o)).isEqualTo(o * 7);
            assertThat(addresses[255]).isEqualTo(table.address() + ((255 * 7919L) % (table.byteSize() / 64)) * 64);
        }
    }

    @Test
    void itReadsNoFurtherThanTheArray() {
        Assumptions.assumeTrue(Prefetch.AVAILABLE, "no prefetch on this machine");
        assertThatThrownBy(() -> Prefetch.lines(new long[4], 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
