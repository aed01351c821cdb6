package org.renkei.intel;

import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outcome of one submission, as TAXII 2.1's status resource reports it.
 * {@code status} is "pending" until every object is stored or refused, then
 * "complete"; a success listed here is durable.
 *
 * <p>The entry lists are held as the JSON array text they are stored as and served as:
 * a status of 5,000 objects is polled many times while pending, and parsing and
 * re-serialising its entries on every poll was a sixth of the ingest's CPU. So entries
 * are written once ({@link #entriesJson}) and spliced into {@link #toJson()} as they are.
 *
 * @param successesJson a JSON array of entries ({@code [{"id":...,"version":...}, ...]})
 * @param failuresJson  likewise, each with a {@code message}
 * @param pendingsJson  likewise
 */
public record SubmissionStatus(UUID id, String collection, UUID memberId, Instant requestTimestamp, String status,
                               int totalCount, int successCount, String successesJson, int failureCount,
                               String failuresJson, int pendingCount, String pendingsJson) {

    public static final String EMPTY = "[]";

    /** One object's outcome: its id, version (may be null) and a message. */
    public record Entry(String id, String version, String message) {
    }

    /** The status with lists of entries (written to JSON here). */
    static SubmissionStatus of(UUID id, String collection, UUID memberId, Instant requestTimestamp, String status,
                               int totalCount, List<Entry> successes, List<Entry> failures, List<Entry> pendings) {
        return new SubmissionStatus(id, collection, memberId, requestTimestamp, status, totalCount,
                successes.size(), entriesJson(successes), failures.size(), entriesJson(failures),
                pendings.size(), entriesJson(pendings));
    }

    public List<Entry> successes() {
        return parse(successesJson);
    }

    public List<Entry> failures() {
        return parse(failuresJson);
    }

    public List<Entry> pendings() {
        return parse(pendingsJson);
    }

    /** The TAXII 2.1 status resource. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(96 + successesJson.length() + failuresJson.length() + pendingsJson.length());
        sb.append("{\"id\":\"").append(id).append("\",\"status\":\"").append(status)
                .append("\",\"request_timestamp\":\"").append(Timestamps.format(Timestamps.micros(requestTimestamp)))
                .append("\",\"total_count\":").append(totalCount)
                .append(",\"success_count\":").append(successCount).append(",\"successes\":").append(successesJson)
                .append(",\"failure_count\":").append(failureCount).append(",\"failures\":").append(failuresJson)
                .append(",\"pending_count\":").append(pendingCount).append(",\"pendings\":").append(pendingsJson)
                .append('}');
        return sb.toString();
    }

    /** Entries as a JSON array the way TAXII's status resource lists them (absent fields left out). */
    public static String entriesJson(List<Entry> entries) {
        if (entries.isEmpty()) {
            return EMPTY;
        }
        StringWriter out = new StringWriter(entries.size() * 96);
        try (JsonGenerator g = JsonMapper.shared().createGenerator(out)) {
            g.writeStartArray();
            for (Entry e : entries) {
                g.writeStartObject();
                if (e.id() != null) {
                    g.writeStringProperty("id", e.id());
                }
                if (e.version() != null) {
                    g.writeStringProperty("version", e.version());
                }
                if (e.message() != null) {
                    g.writeStringProperty("message", e.message());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toString();
    }

    /** Two JSON arrays as one: {@code [a,b]} and {@code [c]} give {@code [a,b,c]}. */
    static String concat(String a, String b) {
        if (a.equals(EMPTY)) {
            return b;
        }
        if (b.equals(EMPTY)) {
            return a;
        }
        return a.substring(0, a.length() - 1) + "," + b.substring(1);
    }

    private static List<Entry> parse(String json) {
        List<Entry> out = new ArrayList<>();
        for (JsonNode n : JsonMapper.shared().readTree(json)) {
            out.add(new Entry(str(n, "id"), str(n, "version"), str(n, "message")));
        }
        return out;
    }

    private static String str(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asString();
    }
}
