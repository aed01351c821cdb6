package org.renkei.access;

import java.time.Instant;
import java.util.UUID;

/** A token just issued: the only moment its secret is known to anyone but the holder. */
public record IssuedToken(UUID id, UUID memberId, Role role, String label, String token, Instant created) {
}
