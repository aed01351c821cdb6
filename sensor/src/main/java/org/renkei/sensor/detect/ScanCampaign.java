package org.renkei.sensor.detect;

import java.time.Instant;
import java.util.List;

/**
 * A scan campaign: one source reaching at least the configured number of distinct
 * darknet addresses on one protocol/port before going quiet for the expiry window.
 *
 * @param port destination port for TCP/UDP, null for ICMP echo scans
 * @param distinctDestinations estimated distinct darknet addresses reached (see docs/sensor.md)
 * @param packetsPerSecond probes per second over the campaign's duration (≥ 1 s)
 * @param coverage distinct destinations / darknet size: the estimated fraction of the address
 *                 space the scan covers, since a scanner's targets are spread uniformly
 */
public record ScanCampaign(
        EventState state,
        String source,
        String protocol,
        Integer port,
        Instant start,
        Instant end,
        long packets,
        long distinctDestinations,
        double packetsPerSecond,
        double coverage,
        List<String> fingerprints) {
}
