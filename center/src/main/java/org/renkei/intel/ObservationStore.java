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
