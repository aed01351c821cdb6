package org.renkei.center;

import java.util.List;
import java.util.UUID;
import org.renkei.http.Json;
import org.renkei.stix.Tlp;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Valid STIX objects for tests. */
public final class StixSamples {
    private StixSamples() {
    }

    public static ObjectNode indicator(String pattern, Tlp tlp) {
        return indicator(UUID.randomUUID(), "2026-01-01T00:00:00.000Z", pattern, tlp);
    }

    public static ObjectNode indicator(UUID uuid, String modified, String pattern, Tlp tlp) {
        ObjectNode o = Json.object();
        o.put("type", "indicator");
        o.put("spec_version", "2.1");
        o.put("id", "indicator--" + uuid);
        o.put("created", "2026-01-01T00:00:00.000Z");
        o.put("modified", modified);
        o.put("name", "test indicator");
        o.put("pattern", pattern);
        o.put("pattern_type", "stix");
        o.put("valid_from", "2026-01-01T00:00:00Z");
        if (tlp != null) {
            o.putArray("object_marking_refs").add(tlp.markingDefinitionId());
        }
        return o;
    }

    public static String envelope(List<ObjectNode> objects) {
        ObjectNode env = Json.object();
        ArrayNode list = env.putArray("objects");
        objects.forEach(list::add);
        return Json.MAPPER.writeValueAsString(env);
    }

    public static String envelope(ObjectNode... objects) {
        return envelope(List.of(objects));
    }
}
