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
 * @param part 1-based part number: an interval with more than {@link #MAX_EVENTS} events is sent as
 *        several batches; part 1 carries the interval's counts, sources and ports, later parts only
 *        events (zero counts), so a center that sums counts never counts an interval twice. Absent
 *        in JSON (older sensors) means 1.
 * @param firstBatchId the batch id of part 1 of the same interval (for part 1: its own batch id)
 * @param moreParts whether parts of the same interval follow this one
 * @param stateEntriesEvicted (source, protocol, port) entries the sensor ended early in this interval because its
 *        state table was at its bound ({@code --max-state-entries}): non-zero means the sensor sees more sources
 *        than it was sized for, and some per-source details of the interval are missing (part 1 only; absent = 0)
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
        String rulesVersion,
        Integer part,
        UUID firstBatchId,
        boolean moreParts,
        long stateEntriesEvicted) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * Scan plus DoS events per batch at most; more in one interval are split into parts. Keeps a
     * batch's JSON to a few MB, however many episodes end at once (e.g. at end of input).
     */
    public static final int MAX_EVENTS = 10_000;

    public ObservationBatch {
        if (part == null) part = 1;
        if (firstBatchId == null && part == 1) firstBatchId = batchId;
    }

    /** A batch that is the only part of its interval. */
    public ObservationBatch(int schemaVersion, UUID batchId, String sensorId, Instant intervalStart, Instant intervalEnd,
                            Instant createdAt, long packets, long bytes, Map<String, Long> packetClasses, long sourceCount,
                            long sourcesOmitted, List<SourceActivity> sources, List<PortCount> ports,
                            List<ScanCampaign> scanEvents, List<DosAttack> dosEvents, long darknetSize, String rulesVersion) {
        this(schemaVersion, batchId, sensorId, intervalStart, intervalEnd, createdAt, packets, bytes, packetClasses, sourceCount,
                sourcesOmitted, sources, ports, scanEvents, dosEvents, darknetSize, rulesVersion, 1, batchId, false, 0);
    }

    /** Events of this batch (scan plus DoS). */
    public int eventCount() {
        return (scanEvents == null ? 0 : scanEvents.size()) + (dosEvents == null ? 0 : dosEvents.size());
    }

    /** Packets to one destination port in the interval. */
    public record PortCount(String protocol, int port, long packets) {
    }

    public String toJson() {
        return Json.MAPPER.writeValueAsString(this);
    }

    /** Writes the JSON to a stream without building it in memory first (the stream is not closed). */
    public void writeJson(java.io.OutputStream out) throws IOException {
        try {
            Json.MAPPER.writeValue(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            }, this);
        } catch (JacksonException e) {
            throw new IOException("cannot write batch " + batchId + ": " + e.getOriginalMessage(), e);
        }
    }

    public static ObservationBatch fromJson(String json) throws IOException {
        try {
            return Json.MAPPER.readValue(json, ObservationBatch.class);
        } catch (JacksonException e) {
            throw new IOException(describe(e), e);
        }
    }

    public static ObservationBatch fromJson(byte[] json) throws IOException {
        try {
            return Json.MAPPER.readValue(json, ObservationBatch.class);
        } catch (JacksonException e) {
            throw new IOException(describe(e), e);
        }
    }

    /** Names the field a parse error is about, with what the field should hold. */
    static String describe(JacksonException e) {
        String field = null;
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) field = r.getPropertyName();
        }
        if (e.getPath().size() == 1 && field != null) {
            String expected = switch (field) {
                case "part" -> "a whole number, 1 for the first part of an interval";
                case "batch_id", "first_batch_id" -> "a UUID such as 8d6f0c1e-2f7a-4b9e-9a53-0d7c5f1c2b11";
                case "more_parts" -> "true or false";
                default -> null;
            };
            if (expected != null) return "not an observation batch: " + field + " must be " + expected;
        }
        return "not an observation batch: " + (field != null ? field + ": " : "") + e.getOriginalMessage();
    }
}
