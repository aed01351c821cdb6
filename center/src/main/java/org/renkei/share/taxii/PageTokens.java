package org.renkei.share.taxii;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.renkei.InputException;

/**
 * The opaque TAXII {@code next} value: where the page ended, bound to the caller and
 * the query, signed with the server's key and valid for {@link #LIFETIME}. A token
 * the server did not make, made for another caller or another query, or too old is
 * refused with a 400 that says so.
 *
 * <p>Layout before base64url: version byte, expiry (epoch seconds), last date_added
 * (epoch µs), SHA-256 of caller + collection + query (16 bytes kept), HMAC-SHA256 (16 bytes kept).
 */
final class PageTokens {
    static final Duration LIFETIME = Duration.ofHours(24);
    private static final int BODY = 1 + 8 + 8 + 16;
    private static final int MAC = 16;

    private final SecretKeySpec key;
    private final Clock clock;

    PageTokens(byte[] key, Clock clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.clock = clock;
    }

    String issue(String binding, long lastDateAddedUs) {
        ByteBuffer b = ByteBuffer.allocate(BODY + MAC);
        b.put((byte) 1).putLong(clock.instant().plus(LIFETIME).getEpochSecond()).putLong(lastDateAddedUs)
                .put(digest(binding), 0, 16);
        b.put(mac(b.array(), BODY), 0, MAC);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The last date_added of the page the token ends, after checking it belongs to this caller and query. */
    long redeem(String token, String binding) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (raw.length != BODY + MAC || raw[0] != 1) {
            throw invalid();
        }
        byte[] expected = mac(raw, BODY);
        if (!MessageDigest.isEqual(java.util.Arrays.copyOfRange(expected, 0, MAC),
                java.util.Arrays.copyOfRange(raw, BODY, BODY + MAC))) {
            throw invalid();
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 1, BODY - 1);
        long expiry = b.getLong();
        long last = b.getLong();
        byte[] bound = new byte[16];
        b.get(bound);
        if (!MessageDigest.isEqual(bound, java.util.Arrays.copyOf(digest(binding), 16))) {
            throw new InputException("next", "this 'next' value was issued for another caller, collection or set of "
                    + "filters; repeat the query with the same filters, or drop 'next' to start again");
        }
        if (clock.instant().getEpochSecond() > expiry) {
            throw new InputException("next", "this 'next' value has expired (they last " + LIFETIME.toHours()
                    + " hours); start again with added_after set to the last date_added you received");
        }
        return last;
    }

    private static InputException invalid() {
        return new InputException("next", "is not a value this server issued; use the 'next' of a previous response "
                + "unchanged, or drop it to start from the beginning");
    }

    private byte[] mac(byte[] data, int len) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(data, 0, len);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
