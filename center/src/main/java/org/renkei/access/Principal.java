package org.renkei.access;

import java.util.Set;
import java.util.UUID;

/**
 * Who is asking: a token's member and role, with what the access policy needs to
 * know about that member (its sector and sharing groups), resolved once per token.
 * {@link #PUBLIC} is the unauthenticated caller.
 */
public record Principal(UUID memberId, String memberName, MemberType memberType, Sector sector, Set<UUID> groups,
                        Role role, UUID tokenId) {
    public static final Principal PUBLIC = new Principal(null, "public", null, null, Set.of(), null, null);

    public Principal {
        groups = Set.copyOf(groups);
    }

    public boolean isAuthenticated() {
        return role != null;
    }

    /** Administrators and analysts: the center's own staff. */
    public boolean isCenterStaff() {
        return role == Role.ADMIN || role == Role.ANALYST;
    }

    /** A member of the community: may read GREEN and may share. */
    public boolean isCommunityMember() {
        return role == Role.ADMIN || role == Role.ANALYST || role == Role.MEMBER;
    }
}
