package org.renkei.access;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An organisation taking part in the center.
 *
 * @param sector        null when the member belongs to no critical-infrastructure sector
 * @param cidrs         address ranges it owns, normalised (IPv4 and IPv6)
 * @param trustWeight   0..1, how much its reports weigh in confidence scoring
 * @param identityId    the STIX identity that stands for it in shared content
 */
public record Member(UUID id, String name, MemberType type, Sector sector, List<String> cidrs, List<Long> asns,
                     double trustWeight, boolean anonymousByDefault, String identityId, Instant created,
                     Instant modified) {
    public Member {
        cidrs = List.copyOf(cidrs);
        asns = List.copyOf(asns);
    }
}
