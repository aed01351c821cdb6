package org.renkei.stix;

import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Seeds for property tests run as {@code @ParameterizedTest}s. The master seed is printed
 * so a failure can be replayed with {@code -Dstix.seed=N}; each case also gets its own seed,
 * shown in the test's display name.
 */
public final class SeededCases {

    private SeededCases() {}

    public static Stream<Long> seeds(String property, int count) {
        long master = Long.getLong("stix.seed", System.nanoTime());
        System.out.println(property + ": master seed " + master + " (replay with -Dstix.seed=" + master + ")");
        Random random = new Random(master);
        return LongStream.range(0, count).mapToObj(i -> random.nextLong());
    }
}
