package org.renkei.intel;

import java.util.ArrayList;
import java.util.List;
import org.renkei.stix.Tlp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the ingest needs to know of one object: is it valid STIX 2.1 (the errors,
 * each naming the property), and its id, type, version and TLP.
 */
public final class ObjectChecks {

    public record Result(String id, String type, String specVersion, long versionUs, String version, Tlp tlp,
                         boolean revoked, List<String> errors) {
    }

    public Result check(ObjectNode o) {
        List<String> errors = new ArrayList<>();
        String id = text(o, "id");
        String type = text(o, "type");
        if (id == null) {
            errors.add("id: is required");
        }
        if (type == null) {
            errors.add("type: is required");
        }
        String modified = text(o, "modified");
        String created = text(o, "created");
        String v = modified != null ? modified : created;
        Long versionUs = v == null ? Long.valueOf(0) : Timestamps.parseMicros(v);
        if (versionUs == null) {
            errors.add((modified != null ? "modified" : "created") + ": '" + v + "' is not an RFC 3339 UTC timestamp ending in Z");
            versionUs = 0L;
        }
        JsonNode rev = o.get("revoked");
        String spec = text(o, "spec_version");
        return new Result(id, type, spec == null ? "2.1" : spec, versionUs, v, null,
                rev != null && rev.asBoolean(false), errors);
    }

    private static String text(ObjectNode o, String f) {
        JsonNode n = o.get(f);
        return n != null && n.isString() ? n.asString() : null;
    }
}
