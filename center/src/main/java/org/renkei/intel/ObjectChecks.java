package org.renkei.intel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.renkei.stix.StixObject;
import org.renkei.stix.StixTimestamp;
import org.renkei.stix.StixValidator;
import org.renkei.stix.Tlp;
import org.renkei.stix.ValidationError;

/**
 * What the ingest needs to know of one object: is it valid STIX 2.1 (every error,
 * each naming the property), and its id, type, version and TLP.
 *
 * <p>Deterministic SCO ids are checked with {@link StixValidator.DeterministicIdCheck#WARNING}:
 * a UUIDv4 on an SCO is accepted, as the specification allows.
 */
public final class ObjectChecks {
    private final StixValidator validator = StixValidator.withDeterministicIdCheck(
            StixValidator.DeterministicIdCheck.WARNING);

    /**
     * @param versionUs the version in epoch microseconds (modified, else created; 0 when neither)
     * @param version   the version as written, or null when the object has no timestamp
     * @param tlp       null when the object carries no TLP marking
     */
    public record Result(String id, String type, String specVersion, long versionUs, String version, Tlp tlp,
                         boolean revoked, List<String> errors) {
    }

    public Result check(StixObject so) {
        List<String> errors = new ArrayList<>();
        for (ValidationError e : validator.validate(so)) {
            if (e.isError()) {
                errors.add(e.toString());
            }
        }
        long versionUs = 0;
        String version = null;
        if (errors.isEmpty()) {
            Optional<StixTimestamp> v = so.modified().or(so::created);
            if (v.isPresent()) {
                versionUs = v.get().epochMicros();
                version = so.stringProperty(so.modified().isPresent() ? "modified" : "created").orElse(null);
            }
        }
        return new Result(so.rawId(), so.type(), so.specVersion().orElse("2.1"), versionUs, version,
                errors.isEmpty() ? Tlp.of(so).orElse(null) : null, so.revoked(), errors);
    }
}
