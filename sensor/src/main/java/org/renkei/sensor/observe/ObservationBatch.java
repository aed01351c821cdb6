package org.renkei.sensor.observe;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.renkei.sensor.detect.DosAttack;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.detect.SourceActivity;

import tools.jackson.core.JacksonException;

/**
 * One interval of darknet observations, as the sensor sends it to
 * {@code POST {center}/api/v1/observations}. The center deduplicates on
 * {@link #batchId}: a batch resent after a lost acknowledgement or a sensor restart
 * must not be counted twice. JSON names are snake_case; instants are RFC 3339 UTC.
 * The format is specified field by field in docs/sensor.md.
 *
 * @param schemaVersion 1 for this layout; additive changes keep it, breaking ones bump it
 * @param intervalStart first packet of the interval (capture time), null when no packets
 * @param intervalEnd last packet of the interval (capture time), null when no packets
 * @param createdAt wall-clock time the batch was cut
 * @param sourceCount distinct sources in the interval
 * @param sourcesOmitted sources beyond the batch's source limit (counted, not detailed)
 * @param darknetSize addresses the sensor monitors (configured, or the distinct destinations seen)
 */
public record ObservationBatch(
        int schemaVersion,
        UUID batchId,
        String sensorId,
        Instant intervalStart,
        Instant intervalEnd,
        Instant createdAt,
        long packets,
        long bytes,
        Map<String, Long> packetClasses,
        long sourceCount,
        long sourcesOmitted,
        List<SourceActivity> sources,
        List<PortCount> ports,
        List<ScanCampaign> scanEvents,
        List<DosAttack> dosEvents,
        long darknetSize,
        String rulesVersion) {

    public static final int SCHEMA_VERSION = 1;

    /** Packets to one destination port in the interval. */
    public record PortCount(String protocol, int port, long packets) {
    }

    public String toJson() {
        return Json.MAPPER.writeValueAsString(this);
    }

    public static ObservationBatch fromJson(String json) throws IOException {
        try {
            return Json.MAPPER.readValue(json, ObservationBatch.class);
        } catch (JacksonException e) {
            throw new IOException("not an observation batch: " + e.getOriginalMessage(), e);
        }
    }

    public static ObservationBatch fromJson(byte[] json) throws IOException {
        try {
            return Json.MAPPER.readValue(json, ObservationBatch.class);
        } catch (JacksonException e) {
            throw new IOException("not an observation batch: " + e.getOriginalMessage(), e);
        }
    }
}
