package org.renkei.intel;

import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.renkei.InputException;
import org.renkei.sensor.observe.ObservationBatch;

/**
 * Keeps the darknet observation batches sensors send. A batch is stored once: a
 * resent batch (same batch_id, after a lost acknowledgement or a sensor restart) is
 * acknowledged again but not counted twice.
 */
public final class ObservationStore {
    private final Jdbi jdbi;

    public ObservationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a batch; returns false when this batch_id was already stored. */
    public boolean store(UUID member, ObservationBatch b, String json) {
        if (b.schemaVersion() != ObservationBatch.SCHEMA_VERSION) {
            throw new InputException("schema_version", "this center reads observation batches of schema version "
                    + ObservationBatch.SCHEMA_VERSION + ", not " + b.schemaVersion() + "; upgrade the center or the sensor");
        }
        if (b.batchId() == null) {
            throw new InputException("batch_id", "is required: a UUID that identifies this batch");
        }
        if (b.sensorId() == null || b.sensorId().isBlank()) {
            throw new InputException("sensor_id", "is required");
        }
        if (b.packets() < 0 || b.bytes() < 0) {
            throw new InputException("packets", "counts cannot be negative");
        }
        // An interval with more events than fit one batch comes as parts 1..n, each its own batch_id
        // (stored and deduplicated one by one); only part 1 carries counts, so sums stay right.
        if (b.part() < 1) {
            throw new InputException("part", "must be 1 or more (parts of an interval are numbered from 1), not " + b.part());
        }
        if (b.part() == 1 && !b.batchId().equals(b.firstBatchId())) {
            throw new InputException("first_batch_id", "of part 1 must be its own batch_id (or absent)");
        }
        if (b.part() > 1 && b.firstBatchId() == null) {
            throw new InputException("first_batch_id", "is required for part " + b.part() + ": the batch_id of part 1 of the interval");
        }
        if (b.part() > 1 && b.firstBatchId().equals(b.batchId())) {
            throw new InputException("first_batch_id", "of part " + b.part() + " must name part 1, not this batch");
        }
        if (b.part() > 1 && (b.packets() != 0 || b.bytes() != 0 || b.sourceCount() != 0)) {
            throw new InputException("part", "parts after the first carry events only: packets, bytes and source_count must be 0");
        }
        return jdbi.withHandle(h -> h.createUpdate("""
                insert into observation_batch (batch_id, sensor_id, member_id, interval_start, interval_end, packets,
                  bytes, body) values (:id, :sensor, :member, :start, :end, :packets, :bytes, cast(:body as jsonb))
                on conflict (batch_id) do nothing""")
                .bind("id", b.batchId()).bind("sensor", b.sensorId()).bind("member", member)
                .bind("start", b.intervalStart()).bind("end", b.intervalEnd())
                .bind("packets", b.packets()).bind("bytes", b.bytes()).bind("body", json)
                .execute()) == 1;
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from observation_batch").mapTo(Long.class).one());
    }
}
