package org.renkei.access;

import java.time.Instant;
import java.util.UUID;

/** What the center keeps about a token: never the token itself. */
public record TokenInfo(UUID id, UUID memberId, Role role, String label, Instant created, Instant revoked) {
}
