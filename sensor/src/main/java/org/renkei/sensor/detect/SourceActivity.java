package org.renkei.sensor.detect;

import java.time.Instant;
import java.util.List;

/**
 * What one source did during an observation interval.
 *
 * @param packets packets in the interval
 * @param bytes wire bytes in the interval
 * @param distinctDestinations estimated distinct darknet addresses reached since the source's
 *        state was created (it persists while the source stays active within the expiry window)
 * @param ports destination ports hit in the interval (TCP/UDP), busiest first, at most 16
 * @param tcpFlags union of TCP flags seen, e.g. ["SYN"]
 * @param firstSeen first packet of the source's current state (may precede the interval)
 * @param lastSeen last packet in the interval
 * @param classes packet classes seen (see docs/sensor.md)
 */
public record SourceActivity(
        String source,
        long packets,
        long bytes,
        long distinctDestinations,
        List<Integer> ports,
        List<String> protocols,
        List<String> tcpFlags,
        int ttlMin,
        int ttlMax,
        Instant firstSeen,
        Instant lastSeen,
        List<String> fingerprints,
        List<String> classes) {
}
