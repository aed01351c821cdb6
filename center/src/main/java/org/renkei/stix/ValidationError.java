package org.renkei.stix;

import java.util.List;

/**
 * One finding of {@link StixValidator}.
 *
 * @param path     where in the object, as a property path such as {@code pattern} or
 *                 {@code external_references[0].source_name}; empty for the object as a whole
 * @param message  what is wrong, in terms the submitter can act on
 * @param severity {@link Severity#ERROR} rejects the object, {@link Severity#WARNING} does not
 */
public record ValidationError(String path, String message, Severity severity) {

    public enum Severity { ERROR, WARNING }

    /** An error. */
    public ValidationError(String path, String message) {
        this(path, message, Severity.ERROR);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** Whether {@code findings} contains no error (warnings are fine). */
    public static boolean noErrors(List<ValidationError> findings) {
        for (ValidationError finding : findings) if (finding.isError()) return false;
        return true;
    }

    @Override
    public String toString() {
        return (severity == Severity.WARNING ? "warning: " : "") + (path.isEmpty() ? message : path + ": " + message);
    }
}
