package org.renkei.share.taxii;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.TreeSet;
import java.util.UUID;
import org.renkei.access.Principal;

/**
 * Finished TAXII object pages, for clients that poll the same query again and again.
 *
 * <p>Why it is safe: the key holds everything the answer depends on — the caller's whole
 * access identity (member, role, sector, sharing groups: what the access policy reads),
 * the exact path and query string, and the store's version. The version is the
 * {@code date_added_clock} value, which every committed write and every delete advances,
 * in the database, so a change made by any process of the center makes every older entry
 * unreachable. Entries also expire after {@link #TTL}.
 *
 * <p>Why it is needed: a 100-object page is about 64 KB of JSON that otherwise travels
 * PostgreSQL → JVM → socket on every poll; on two cores that bounds throughput well below
 * what polling clients ask for.
 */
final class PageCache {
    static final Duration TTL = Duration.ofSeconds(30);
    private static final long MAX_BYTES = 64L << 20;

    /** A finished answer: body and date-added headers (null when the page is empty). */
    record Page(byte[] body, String first, String last) {
    }

    private final Cache<String, Page> pages = Caffeine.newBuilder()
            .maximumWeight(MAX_BYTES)
            .weigher((String k, Page v) -> k.length() + v.body().length)
            .expireAfterWrite(TTL)
            .build();

    static String key(Principal p, String pathAndQuery, long storeVersion) {
        StringBuilder k = new StringBuilder(160).append(storeVersion).append('|');
        if (p.isAuthenticated()) {
            k.append(p.memberId()).append('/').append(p.role().wire()).append('/')
                    .append(p.sector() == null ? "-" : p.sector().wire());
            for (UUID g : new TreeSet<>(p.groups())) {
                k.append('/').append(g);
            }
        } else {
            k.append("public");
        }
        return k.append('|').append(pathAndQuery).toString();
    }

    Page get(String key) {
        return pages.getIfPresent(key);
    }

    void put(String key, Page page) {
        pages.put(key, page);
    }
}
