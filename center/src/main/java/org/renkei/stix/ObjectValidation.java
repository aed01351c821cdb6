package org.renkei.stix;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The findings for one object of a bundle or envelope.
 *
 * @param index    the object's position in {@code objects}
 * @param object   the object
 * @param findings errors and warnings; see {@link StixValidator}
 */
public record ObjectValidation(int index, StixObject object, List<ValidationError> findings) {

    public ObjectValidation {
        findings = List.copyOf(findings);
    }

    /** No errors (warnings allowed). */
    public boolean isValid() {
        return ValidationError.noErrors(findings);
    }

    /** The errors only. */
    public List<ValidationError> errors() {
        return findings.stream().filter(ValidationError::isError).toList();
    }

    /**
     * One line for a TAXII status failure: the object's id (or its position when the id is
     * unusable) and its errors, e.g. {@code indicator--…: pattern: invalid STIX pattern at position 3: …}.
     */
    public String errorSummary() {
        String rawId = object.rawId();
        String who = rawId != null && StixId.isValid(rawId) ? rawId : "objects[" + index + "]";
        return who + ": " + errors().stream().map(ValidationError::toString).collect(Collectors.joining("; "));
    }
}
