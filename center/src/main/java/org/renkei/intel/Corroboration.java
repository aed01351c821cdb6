package org.renkei.intel;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.renkei.access.AccessPolicy;
import org.renkei.stix.DeterministicId;
import org.renkei.store.BinaryCopy;
import org.renkei.store.StoreException;
import org.renkei.stix.StixObject;
import org.renkei.stix.Tlp;
import org.renkei.stix.pattern.PatternSyntaxException;
import org.renkei.stix.pattern.SimpleObservable;
import org.renkei.stix.pattern.StixPattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Orient: recognises reports from different members that mean the same thing, keeps
 * every source and sighting (internally), and publishes one merged center indicator
 * per corroborated key with a computed confidence.
 *
 * <p><b>Same meaning.</b> An indicator whose pattern is one equality on an observable's
 * value ({@code [ipv4-addr:value = '192.0.2.1']}) and an SCO with that value share the
 * key {@code sco:<type>:<value>} (domains and e-mail addresses lower-cased, IPv6 in
 * canonical form); any other STIX pattern has the key {@code pattern:<normalised pattern>}
 * (see {@link StixPattern#normalized()}). A sighting counts for the key of what it sights.
 *
 * <p><b>Confidence.</b> Each member counts once, with its trust weight w (0..1), however many
 * reports or sightings it sent: {@code confidence = round(100 × (1 − Π (1 − w_m)))}, the
 * probability that at least one independent source is right if each is right with its
 * weight. One member of weight 0.5 gives 50; two give 75; 0.7 and 0.9 give 97.
 *
 * <p><b>What is published.</b> A merged indicator appears once at least two different members
 * reported the key at TLP:CLEAR or GREEN; only those reports enter its confidence, and it is
 * GREEN (CLEAR if all of them are). Reports under AMBER or RED are recorded as sources but
 * never shape a shared object: its existence or confidence would otherwise tell the community
 * about content it may not see. The merged object's creator is the center; it names no source.
 */
final class Corroboration {
    /** The namespace of merged objects' UUIDv5 ids: the same key always gives the same id. */
    static final UUID NAMESPACE = UUID.fromString("6d1c5f1e-0e1b-4f2a-9c7e-72656e6b6569");
    private static final Set<String> VALUE_TYPES = Set.of("ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr",
            "mac-addr");

    /**
     * Per key of :keys (text[]) that at least two members reported at CLEAR/GREEN, each such member:
     * its weight and highest TLP; by key. Keys with one member (nearly all of a bulk ingest's) are left
     * out in the database: returning a row per key cost the writer ~17,000 rows to read per batch.
     */
    static final String SHAREABLE_SOURCES_SQL = """
            select s.key, m.trust_weight, s.tlp
            from (select c.key, c.member_id, max(c.tlp) as tlp, count(*) over (partition by c.key) as members
              from corroboration_source c
              where c.key = any(cast(:keys as text[])) and c.tlp <= 1 group by c.key, c.member_id) s
            join member m on m.id = s.member_id
            where s.members >= 2
            order by s.key""";

    /**
     * The key of each sighted object of :refs (text[]): from its sources (the hash index
     * corroboration_source_object, V5) or, for a merged object, from corroboration.
     */
    static final String SIGHTED_KEYS_SQL = """
            select object_id, min(key) from corroboration_source where object_id = any(:refs) group by object_id
            union all select center_id, key from corroboration where center_id = any(:refs)""";

    /** One report or sighting of a key by a member. */
    record Source(String key, UUID member, String objectId, String kind, int tlp) {
    }

    /** The key of a report, or null when the object is not one we merge. */
    static String keyOf(StixObject o) {
        String type = o.type();
        if (type == null) {
            return null;
        }
        if (type.equals("indicator")) {
            try {
                // parsed once per object: the validator has usually done it already
                StixPattern p = o.stixPattern().orElse(null);
                if (p != null) {
                    var simple = p.simpleObservable();
                    if (simple.isPresent() && simple.get().propertyPath().equals("value")
                            && VALUE_TYPES.contains(simple.get().objectType())) {
                        return valueKey(simple.get().objectType(), simple.get().value());
                    }
                    return "pattern:" + p.normalized();
                }
            } catch (PatternSyntaxException e) {
                return null;
            }
        }
        String value = o.stringProperty("value").orElse(null);
        if (VALUE_TYPES.contains(type) && value != null) {
            return valueKey(type, value);
        }
        return null;
    }

    private static String valueKey(String type, String value) {
        String v = value.trim();
        switch (type) {
            case "domain-name", "email-addr" -> {
                v = v.toLowerCase(Locale.ROOT);
                if (v.endsWith(".")) {
                    v = v.substring(0, v.length() - 1);
                }
            }
            case "ipv6-addr" -> {
                IPAddress a = new IPAddressString(v).getAddress();
                if (a != null) {
                    v = a.toCanonicalString();
                }
            }
            default -> { }
        }
        return "sco:" + type + ":" + v;
    }

    /** The documented confidence of independent sources with these trust weights. */
    static int confidence(Collection<Double> weights) {
        double allWrong = 1;
        for (double w : weights) {
            allWrong *= 1 - Math.max(0, Math.min(1, w));
        }
        return (int) Math.round(100 * (1 - allWrong));
    }

    /**
     * Records sources (resolving sightings to the key of what they sight) and returns the
     * merged center objects to store as new versions, with their TLP.
     *
     * @param sightings sighting sources whose {@code key} holds the sighted object's id
     * @param fresh     none of the sources' objects is stored: their rows are COPYed straight into
     *                  the table (a source left by a deleted object makes that fail; then they take the
     *                  way that skips known sources)
     */
    static List<Merged> record(Handle h, List<Source> reports, List<Source> sightings, String centerIdentity, Instant now,
                               boolean fresh) {
        List<Source> all = new ArrayList<>(reports);
        if (!sightings.isEmpty()) {
            Map<String, String> keyOfObject = new HashMap<>();
            String[] refs = sightings.stream().map(Source::key).distinct().toArray(String[]::new);
            h.createQuery(SIGHTED_KEYS_SQL)
                    .bind("refs", refs)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> keyOfObject.put(e.getKey(), e.getValue()));
            for (Source s : sightings) {
                String key = keyOfObject.get(s.key());
                if (key != null) {
                    all.add(new Source(key, s.member(), s.objectId(), s.kind(), s.tlp()));
                }
            }
        }
        if (all.isEmpty()) {
            return List.of();
        }
        if (!fresh || !copyNew(h, all)) {
            // COPY into a scratch table, then one insert that skips sources already known
            // (binary COPY: bound arrays are text-encoded and parsed back, see BinaryCopy)
            h.execute("""
                    create temp table if not exists corroboration_source_stage
                      (key text, member_id uuid, object_id text, kind text, tlp smallint) on commit delete rows""");
            try {
                copy(h.getConnection(), "copy corroboration_source_stage from stdin (format binary)", all);
            } catch (SQLException e) {
                throw new StoreException("could not record corroboration sources", e);
            }
            h.execute("""
                    insert into corroboration_source (key, member_id, object_id, kind, tlp)
                    select key, member_id, object_id, kind, tlp from corroboration_source_stage on conflict do nothing""");
        }
        // shareable sources (CLEAR/GREEN) of the touched keys, one row per member
        record Row(String key, double weight, int tlp) {
        }
        Map<String, List<Row>> byKey = new LinkedHashMap<>();
        // one scan of the primary key (key, member_id, object_id) over the keys (PostgreSQL sorts the
        // array itself); left to itself, PostgreSQL plans a large array as a sequential scan of the
        // whole table, which grows with the store (see Ingestor.stored and BatchLookups)
        String[] keys = all.stream().map(Source::key).distinct().toArray(String[]::new);
        BatchLookups.byIndex(h, keys.length, () -> h.createQuery(SHAREABLE_SOURCES_SQL)
                        .bind("keys", keys)
                        .map((rs, ctx) -> new Row(rs.getString(1), rs.getDouble(2), rs.getInt(3)))
                        .list())
                .forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
        List<Merged> out = new ArrayList<>();
        for (var e : byKey.entrySet()) {
            List<Row> members = e.getValue();
            if (members.size() < 2) {
                continue;
            }
            String key = e.getKey();
            String centerId = "indicator--" + DeterministicId.uuidV5(NAMESPACE, key);
            Instant modified = now.truncatedTo(ChronoUnit.MILLIS);
            var times = h.createQuery("""
                    insert into corroboration (key, center_id, created, modified) values (:k, :id, :now, :now)
                    on conflict (key) do update set modified = greatest(:now, corroboration.modified + interval '1 millisecond')
                    returning created, modified""")
                    .bind("k", key).bind("id", centerId).bind("now", Timestamp.from(modified))
                    .map((rs, ctx) -> new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()}).one();
            int tlp = members.stream().mapToInt(Row::tlp).max().orElse(1);
            int conf = confidence(members.stream().map(Row::weight).toList());
            out.add(new Merged(centerId, tlp, mergedIndicator(centerId, key, times[0], times[1], centerIdentity, conf,
                    members.size(), AccessPolicy.fromCode(tlp))));
        }
        return out;
    }

    /** Streams the sources into {@code copySql}'s table (see {@link BinaryCopy#into}). */
    private static void copy(Connection c, String copySql, Collection<Source> sources) throws SQLException {
        try (BinaryCopy rows = BinaryCopy.into(c, copySql)) {
            for (Source s : sources) {
                rows.row(5).text(s.key()).uuid(s.member()).text(s.objectId()).text(s.kind()).int2(s.tlp());
            }
            rows.finish();
        }
    }

    /**
     * COPYs sources of objects not stored before straight into the table, each (key, member, object)
     * once; false (and nothing written) if one is known all the same, as a deleted object's are.
     */
    private static boolean copyNew(Handle h, List<Source> all) {
        record Identity(String key, UUID member, String objectId) {
        }
        Map<Identity, Source> unique = new LinkedHashMap<>();
        for (Source s : all) {
            unique.putIfAbsent(new Identity(s.key(), s.member(), s.objectId()), s);
        }
        Connection c = h.getConnection();
        try {
            Savepoint before = c.setSavepoint();
            try {
                copy(c, "copy corroboration_source (key, member_id, object_id, kind, tlp) from stdin (format binary)",
                        unique.values());
                c.releaseSavepoint(before);
                return true;
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(before);
                return false;
            }
        } catch (SQLException e) {
            throw new StoreException("could not record corroboration sources", e);
        }
    }

    /** A merged center object to store. */
    record Merged(String id, int tlp, ObjectNode object) {
    }

    private static ObjectNode mergedIndicator(String id, String key, Instant created, Instant modified, String centerIdentity,
                                              int confidence, int members, Tlp tlp) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", "indicator");
        o.put("spec_version", "2.1");
        o.put("id", id);
        o.put("created", ms(created));
        o.put("modified", ms(modified));
        o.put("created_by_ref", centerIdentity);
        o.put("name", "Corroborated by " + members + " members");
        o.put("pattern", patternOf(key));
        o.put("pattern_type", "stix");
        o.put("valid_from", ms(created));
        o.put("confidence", confidence);
        o.put("x_renkei_corroborating_members", members);
        o.putArray("object_marking_refs").add(tlp.markingDefinitionId());
        return o;
    }

    private static String patternOf(String key) {
        if (key.startsWith("pattern:")) {
            return key.substring("pattern:".length());
        }
        String rest = key.substring("sco:".length());
        int colon = rest.indexOf(':');
        String value = rest.substring(colon + 1).replace("\\", "\\\\").replace("'", "\\'");
        return "[" + rest.substring(0, colon) + ":value = '" + value + "']";
    }

    private static String ms(Instant i) {
        return Timestamps.format(Timestamps.micros(i.truncatedTo(ChronoUnit.MILLIS)));
    }

    private static String text(ObjectNode o, String f) {
        JsonNode n = o.get(f);
        return n != null && n.isString() ? n.asString() : null;
    }
}
