package org.renkei.web;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.renkei.InputException;
import org.renkei.access.Principal;
import org.renkei.access.Role;
import org.renkei.http.Authenticator;
import org.renkei.http.Bodies;
import org.renkei.http.Json;
import org.renkei.intel.ObservationStore;
import org.renkei.sensor.observe.ObservationBatch;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/observations}: darknet sensors deliver their per-interval
 * observation batches (format: docs/sensor.md). Sensor tokens (and center staff) only.
 * 201 for a new batch, 200 for one already stored: both tell the sensor to drop it
 * from its spool.
 */
final class ObservationsApi implements HttpService {
    static final long MAX_BATCH_BYTES = 64L << 20;

    private final Authenticator auth;
    private final ObservationStore observations;
    private final io.micrometer.core.instrument.MeterRegistry metrics;

    /**
     * @param metrics receives, per delivering member (a bounded tag: the sensor id is the sensor's own
     *        free text), the batches stored and resent, their packets, and the state entries the sensors
     *        ended early at their bound ({@code state_entries_evicted}: a sensor sized too small)
     */
    ObservationsApi(Authenticator auth, ObservationStore observations, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.auth = auth;
        this.observations = observations;
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/observations", this::receive);
    }

    private void receive(ServerRequest req, ServerResponse res) {
        Principal p = auth.requireRole(req, Role.SENSOR, Role.ADMIN, Role.ANALYST);
        byte[] body = Bodies.read(req, MAX_BATCH_BYTES);
        ObservationBatch batch;
        try {
            batch = ObservationBatch.fromJson(body);
        } catch (IOException e) {
            throw new InputException(e.getMessage() + "; see docs/sensor.md for the format");
        }
        boolean fresh = observations.store(p.memberId(), batch, new String(body, StandardCharsets.UTF_8));
        String member = String.valueOf(p.memberId());
        metrics.counter("renkei.observation.batches", "member", member, "status", fresh ? "stored" : "duplicate").increment();
        if (fresh) {
            metrics.counter("renkei.observation.packets", "member", member).increment(batch.packets());
            metrics.counter("renkei.observation.state.entries.evicted", "member", member).increment(batch.stateEntriesEvicted());
        }
        ObjectNode out = Json.object();
        out.put("batch_id", batch.batchId().toString());
        out.put("status", fresh ? "stored" : "duplicate");
        MembersApi.json(res, fresh ? 201 : 200, out);
    }
}
