package org.renkei.intel;

import java.util.UUID;
import org.renkei.access.Audience;
import org.renkei.access.Visibility;
import org.renkei.stix.Tlp;

/**
 * One stored version of a STIX object, with what the access policy needs.
 *
 * @param versionUs   the version (modified, else created) in epoch microseconds; 0 for objects with neither
 * @param dateAddedUs when the center added this version, epoch microseconds, unique across the store
 * @param body        the shared JSON text (anonymised when the submitter asked)
 */
public record StoredObject(String id, long versionUs, long dateAddedUs, String type, String specVersion, Tlp tlp,
                           UUID submitter, boolean anonymous, Audience recipients, boolean revoked, String body) {

    public Visibility visibility() {
        return new Visibility(tlp, submitter, recipients);
    }

    /** The TAXII version string: the modified/created timestamp, or date_added for objects that have neither. */
    public String versionString() {
        return Timestamps.format(versionUs == 0 ? dateAddedUs : versionUs);
    }

    public String dateAdded() {
        return Timestamps.format(dateAddedUs);
    }
}
