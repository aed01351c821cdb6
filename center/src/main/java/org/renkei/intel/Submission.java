package org.renkei.intel;

import java.util.function.Function;
import org.renkei.access.Audience;
import org.renkei.access.Principal;
import org.renkei.stix.Tlp;

/**
 * Who submits, into which collection, for whom, and whether anonymously.
 *
 * @param collection  the collection (or REST channel) the content arrived through, kept in the status
 * @param recipients  the audience the submitter named (AMBER/RED content reaches them)
 * @param anonymous   null to use the member's default
 * @param tlpRule     the collection's admission rule: given an object's TLP (null when
 *                    unmarked), null to admit it or the reason it is refused
 */
public record Submission(Principal submitter, String collection, Audience recipients, Boolean anonymous,
                         Function<Tlp, String> tlpRule) {
}
