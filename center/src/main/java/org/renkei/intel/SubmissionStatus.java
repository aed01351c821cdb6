package org.renkei.intel;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of one submission, as TAXII 2.1's status resource reports it.
 * {@code status} is "pending" until every object is stored or refused, then
 * "complete"; a success listed here is durable.
 */
public record SubmissionStatus(UUID id, String collection, UUID memberId, Instant requestTimestamp, String status,
                               int totalCount, List<Entry> successes, List<Entry> failures, List<Entry> pendings) {
    public SubmissionStatus {
        successes = List.copyOf(successes);
        failures = List.copyOf(failures);
        pendings = List.copyOf(pendings);
    }

    /** One object's outcome: its id, version (may be null) and a message. */
    public record Entry(String id, String version, String message) {
    }

    /** Appends entries to a JSON array the way TAXII's status resource lists them (absent fields left out). */
    public static void appendTo(ArrayNode array, List<Entry> entries) {
        for (Entry e : entries) {
            ObjectNode o = array.addObject();
            if (e.id() != null) {
                o.put("id", e.id());
            }
            if (e.version() != null) {
                o.put("version", e.version());
            }
            if (e.message() != null) {
                o.put("message", e.message());
            }
        }
    }
}
