package org.renkei.sensor.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.renkei.sensor.detect.DosAttack;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.detect.SourceActivity;

/**
 * Everything {@code analyze} reports about one or more captures. Serialised as JSON with
 * snake_case names by {@code analyze --json}.
 *
 * @param darknetSize addresses assumed monitored: {@code --darknet-size} or, when not
 *        given, the estimated number of distinct destination addresses seen
 */
public record AnalysisReport(
        List<String> files,
        long packets,
        long bytes,
        Instant firstPacket,
        Instant lastPacket,
        double durationSeconds,
        Map<String, Long> linkTypes,
        Map<String, Long> decodeStatus,
        Map<String, Long> protocols,
        Map<String, Long> packetClasses,
        List<PortCount> topTcpPorts,
        List<PortCount> topUdpPorts,
        List<SourceActivity> topSources,
        long distinctSources,
        List<FingerprintCount> fingerprints,
        List<ScanCampaign> campaigns,
        List<DosAttack> dosAttacks,
        Map<String, Long> malformedRecordsSkipped,
        List<String> unreadableFiles,
        long darknetSize,
        State state,
        String rulesVersion) {

    public record PortCount(int port, long packets) {
    }

    /** @param sources estimated distinct sources matching the fingerprint */
    public record FingerprintCount(String id, String description, long packets, long sources) {
    }

    /**
     * Detector table use: the scan table's bound; entries ended early at the bound to make room for new
     * keys (least recently seen first), and of those, entries whose activity since the last collection
     * was lost with them; keys dropped at the bound (the tables make room instead, so normally 0); DoS
     * vectors ended early at the DoS table's bound; bytes of off-heap state.
     */
    public record State(long scanEntriesMax, long scanEntriesEvicted, long scanEntriesEvictedWithActivity, long scanKeysDropped,
                        long dosKeysDropped, long dosEntriesEvicted, long offHeapBytes) {
    }
}
