package org.renkei.access;

import java.util.UUID;
import org.renkei.stix.Tlp;

/**
 * What the access policy needs to know about an object: its TLP (null when the
 * object carries no TLP marking, which the policy treats as AMBER), who submitted
 * it and whom the submitter named as recipients.
 */
public record Visibility(Tlp tlp, UUID submitter, Audience recipients) {
    /** The TLP the policy applies: an unmarked object is AMBER. */
    public Tlp effectiveTlp() {
        return tlp == null ? Tlp.AMBER : tlp;
    }
}
