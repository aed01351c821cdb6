package org.renkei.sensor.pcap;

import java.lang.foreign.MemorySegment;

/**
 * The whole address space as one segment of global scope, for the sensor's measured hot paths
 * (the pcap reader's buffer, the detectors' tables) to read and write their own native memory by
 * absolute address. An access through the memory's own segment (a field of an interface type,
 * from a closeable arena) compiles to a type check, a bounds check and a liveness check; through
 * this constant segment the JIT folds them (docs/sensor.md, round 8). Callers bound every address
 * themselves and never use one after the memory is freed. {@link #ALL} is null where this module
 * may not use restricted methods ({@code --illegal-native-access=deny}); callers then read through
 * the memory's own segment.
 */
public final class RawMemory {
    private RawMemory() {
    }

    public static final MemorySegment ALL = everything();

    private static MemorySegment everything() {
        try {
            return MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
        } catch (IllegalCallerException e) {
            return null;
        }
    }
}
