package org.renkei.sensor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SlotTableTest {
    static LongStream seeds() {
        long base = Long.getLong("renkei.test.seed", System.nanoTime());
        System.out.println("SlotTableTest seed base: " + base);
        return LongStream.range(0, 10).map(i -> base + i);
    }

    record Key(long a, long b, int c) {
    }

    /** Inserts, updates and deletes (with backward shifting and growth) agree with a HashMap. */
    @ParameterizedTest
    @MethodSource("seeds")
    void behavesLikeAMapUnderRandomInsertsAndDeletes(long seed) {
        System.out.println("seed " + seed);
        Random rnd = new Random(seed);
        Map<Key, Integer> model = new HashMap<>();
        // odd seeds run the scan table's lower grow load: growth, probing and deletion must not depend on it
        try (SlotTable t = new SlotTable(20_000, 32, 1L << 12, seed % 2 == 0 ? SlotTable.MAX_LOAD : ScanDetector.GROW_LOAD)) {
            for (int step = 0; step < 30_000; step++) {
                Key k = new Key(rnd.nextInt(3000), rnd.nextInt(2), 1 + rnd.nextInt(3));
                long off = t.findOrInsert(k.a(), k.b(), k.c());
                assertThat(t.lastInserted).as("seed %d step %d", seed, step).isEqualTo(!model.containsKey(k));
                int v = t.mem.get(SlotTable.INT, off + 20) + 1;
                t.mem.set(SlotTable.INT, off + 20, v);
                model.merge(k, 1, Integer::sum);
                if (rnd.nextInt(50) == 0) {
                    // delete every entry whose value is even, the way the detectors sweep
                    for (long i = 0; i < t.capacity(); ) {
                        if (!t.used(i)) { i++; continue; }
                        long o = t.slotOffset(i);
                        if (t.mem.get(SlotTable.INT, o + 20) % 2 == 0) {
                            model.remove(new Key(t.mem.get(SlotTable.LONG, o), t.mem.get(SlotTable.LONG, o + 8), t.mem.get(SlotTable.INT, o + 16)));
                            t.delete(i);
                        } else {
                            i++;
                        }
                    }
                }
            }
            assertThat(t.size()).isEqualTo(model.size());
            for (var e : model.entrySet()) {
                long off = t.findOrInsert(e.getKey().a(), e.getKey().b(), e.getKey().c());
                assertThat(t.lastInserted).isFalse();
                assertThat(t.mem.get(SlotTable.INT, off + 20)).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void doublesAtItsGrowLoadBelowTheBoundAndFillsToSeventyPercentAtIt() {
        try (SlotTable t = new SlotTable(10_000, 64, 16, 0.35)) { // bound: 16,384 slots, 10,000 entries
            long lastCapacity = t.capacity();
            for (int i = 0; i < 12_000; i++) {
                long sizeBefore = t.size(), capacityBefore = t.capacity();
                t.findOrInsert(i, 0, 1);
                if (t.capacity() != capacityBefore) {
                    assertThat(t.capacity()).isEqualTo(2 * capacityBefore);
                    assertThat(sizeBefore).as("grew at %d of %d slots", sizeBefore, capacityBefore).isEqualTo((long) (capacityBefore * 0.35));
                    lastCapacity = t.capacity();
                }
            }
            assertThat(lastCapacity).isEqualTo(16_384);
            assertThat(t.size()).isEqualTo(10_000);
            assertThat(t.dropped()).isEqualTo(2_000);
            for (int i = 0; i < 10_000; i++) assertThat(t.findOrInsert(i, 0, 1)).isNotNegative();
            assertThat(t.lastInserted).isFalse();
        }
        try (SlotTable t = new SlotTable(10_000, 64, 16, 0.35)) {
            t.reserve(2_000);
            assertThat(t.capacity()).as("a reserved table is sized for its keys at load 0.7").isEqualTo(4_096);
            for (int i = 0; i < 2_867; i++) t.findOrInsert(i, 0, 1); // 70 % of 4,096
            assertThat(t.capacity()).as("and grows at 0.7").isEqualTo(4_096);
            t.findOrInsert(-1, 0, 1);
            assertThat(t.capacity()).isEqualTo(8_192);
            t.clear();
            for (int i = 0; i < 6; i++) t.findOrInsert(i, 0, 1);
            assertThat(t.capacity()).as("cleared: back to 16 slots and the grow load 0.35").isEqualTo(32);
        }
    }

    @Test
    void refusesNewKeysAtItsBoundAndCountsThem() {
        try (SlotTable t = new SlotTable(100, 32)) {
            for (int i = 0; i < 1000; i++) t.findOrInsert(i, 0, 1);
            assertThat(t.size()).isEqualTo(100);
            assertThat(t.dropped()).isEqualTo(900);
            assertThat(t.findOrInsert(5, 0, 1)).isNotNegative();
        }
    }
}
