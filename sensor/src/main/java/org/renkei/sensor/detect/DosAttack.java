package org.renkei.sensor.detect;

import java.time.Instant;
import java.util.List;

/**
 * A denial-of-service attack against a third party, inferred from backscatter: the
 * victim answers spoofed packets, and the answers to spoofed darknet addresses reach us.
 *
 * @param victim backscatter source; for ICMP errors the destination of the quoted packet
 * @param protocol protocol of the attack traffic (for ICMP errors, the quoted packet's protocol)
 * @param ports attacked ports seen (TCP/UDP source ports of the replies), at most 8
 * @param peakPacketsPer60s largest count in any 60-second window (10-second granularity)
 * @param estimatedAttackPacketsPerSecond observed rate scaled by 2^32 / darknet size (IPv4;
 *        assumes uniformly spoofed sources, as Moore et al. do)
 */
public record DosAttack(
        EventState state,
        String victim,
        String protocol,
        List<Integer> ports,
        Instant start,
        Instant end,
        long packets,
        long bytes,
        long peakPacketsPer60s,
        double observedPacketsPerSecond,
        double estimatedAttackPacketsPerSecond) {
}
