package org.renkei.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.renkei.InputException;
import org.renkei.NotFoundException;

/**
 * Issues, verifies and revokes API tokens. A token is {@code rk_} followed by 256
 * random bits in base64url; only its SHA-256 is stored. A slow password hash would
 * add nothing: a 256-bit random secret cannot be guessed, and a fast hash keeps
 * authentication off the request's critical path.
 *
 * <p>Verified tokens are cached for {@link #CACHE_TTL}; a revocation is immediate
 * on this process and takes at most that long on other processes of a scaled-out
 * center.
 */
public final class TokenService {
    static final Duration CACHE_TTL = Duration.ofSeconds(10);
    private static final String PREFIX = "rk_";
    private static final int MAX_TOKEN_LENGTH = 200;

    private final Jdbi jdbi;
    private final MemberDirectory members;
    private final SecureRandom random = new SecureRandom();
    private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();
    private final Cache<ByteBuffer, Optional<Principal>> verified = Caffeine.newBuilder()
            .expireAfterWrite(CACHE_TTL).maximumSize(100_000).build();

    public TokenService(Jdbi jdbi, MemberDirectory members) {
        this.jdbi = jdbi;
        this.members = members;
    }

    public IssuedToken issue(UUID memberId, Role role, String label) {
        Member m = members.get(memberId);
        if ((role == Role.ADMIN || role == Role.ANALYST) && m.type() != MemberType.CENTER) {
            throw new InputException("role", "'" + role.wire() + "' tokens are for center staff; member '"
                    + m.name() + "' is of type '" + m.type().wire() + "'. Use role 'member' or 'sensor'.");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return store(memberId, role, label, token);
    }

    /** Registers a token the operator chose (RENKEI_ADMIN_TOKEN); it must be long enough to be a secret. */
    public IssuedToken register(UUID memberId, Role role, String label, String token) {
        if (token.length() < 22) {
            throw new InputException("token", "a chosen token must be at least 22 characters (128 bits of base64)");
        }
        return store(memberId, role, label, token);
    }

    private IssuedToken store(UUID memberId, Role role, String label, String token) {
        UUID id = UUID.randomUUID();
        Instant created = Instant.now();
        jdbi.useHandle(h -> h.createUpdate("""
                insert into api_token (id, member_id, role, label, hash, created)
                values (:id, :member, :role, :label, :hash, :created)""")
                .bind("id", id).bind("member", memberId).bind("role", role.wire()).bind("label", label)
                .bind("hash", hash(token)).bind("created", created).execute());
        return new IssuedToken(id, memberId, role, label, token, created);
    }

    /** The principal a token stands for, or empty when it is unknown or revoked. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        byte[] hash = hash(token);
        // keyed by the hash, not the token, so that no secret sits in the cache
        return verified.get(ByteBuffer.wrap(hash), k -> lookup(hash));
    }

    private Optional<Principal> lookup(byte[] hash) {
        return jdbi.withHandle(h -> h.createQuery("""
                select id, member_id, role from api_token where hash = :hash and revoked is null""")
                .bind("hash", hash)
                .map((rs, ctx) -> new Object[] {rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)})
                .findOne())
                .map(row -> members.principalFor((UUID) row[1], Role.fromWire((String) row[2]), (UUID) row[0]));
    }

    public List<TokenInfo> list(UUID memberId) {
        members.get(memberId);
        return jdbi.withHandle(h -> h.createQuery("""
                select id, member_id, role, label, created, revoked from api_token
                where member_id = :member order by created""")
                .bind("member", memberId)
                .map((rs, ctx) -> new TokenInfo(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        Role.fromWire(rs.getString(3)), rs.getString(4), rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()))
                .list());
    }

    /**
     * A number that changes whenever a token is revoked or cached principals are forgotten on
     * this process, so long-lived readers (the live stream) know to re-check their caller.
     */
    public long epoch() {
        return epoch.get();
    }

    public void revoke(UUID memberId, UUID tokenId) {
        int n = jdbi.withHandle(h -> h.createUpdate("""
                update api_token set revoked = coalesce(revoked, now()) where id = :id and member_id = :member""")
                .bind("id", tokenId).bind("member", memberId).execute());
        if (n == 0) {
            throw new NotFoundException("member " + memberId + " has no token " + tokenId);
        }
        verified.invalidateAll();
        epoch.incrementAndGet();
    }

    /** Forget cached principals, e.g. after a member's groups or sector changed. */
    public void forgetCachedPrincipals() {
        verified.invalidateAll();
        epoch.incrementAndGet();
    }

    static byte[] hash(String token) {
        try {
            // a clone of a ready digest: looking the algorithm up among the providers on every
            // request cost more than hashing the token
            return ((MessageDigest) SHA_256.clone()).digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the runtime's SHA-256 cannot be cloned", e);
        }
    }

    private static final MessageDigest SHA_256 = sha256();

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
