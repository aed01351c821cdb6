package org.renkei.share.taxii;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.renkei.access.Principal;

/**
 * Finished TAXII object pages, for clients that poll the same query again and again.
 *
 * <p>Why it is safe: the key holds everything the answer depends on — the caller's whole
 * access identity (member, role, sector, sharing groups: what the access policy reads),
 * the exact path and query string, and the store's version. The version is the
 * {@code date_added_clock} value, which every committed write and every delete advances,
 * in the database, so a change made by any process of the center makes every older entry
 * unreachable: at once for this process's writes, within a notification's delay (about a
 * millisecond) for another process's (see {@link org.renkei.intel.StoreVersion}). Entries
 * also expire after {@link #TTL}.
 *
 * <p>Why it is needed: a 100-object page is about 64 KB of JSON that otherwise travels
 * PostgreSQL → JVM → socket on every poll; on two cores that bounds throughput well below
 * what polling clients ask for.
 */
final class PageCache {
    static final Duration TTL = Duration.ofSeconds(30);
    private static final long MAX_BYTES = 64L << 20;

    /** A finished answer: body and date-added headers (null when the page is empty). */
    static final class Page {
        private final byte[] body;
        private final String first;
        private final String last;
        private volatile byte[] gzipped;

        Page(byte[] body, String first, String last) {
            this.body = body;
            this.first = first;
            this.last = last;
        }

        byte[] body() {
            return body;
        }

        String first() {
            return first;
        }

        String last() {
            return last;
        }

        /**
         * The body gzip-compressed, made on first use and kept with the page: JSON pages shrink
         * about tenfold, and a polled page is then compressed once, not once per client.
         */
        byte[] gzipped() {
            byte[] z = gzipped;
            if (z == null) {
                var out = new ByteArrayOutputStream(body.length / 6 + 64);
                try (var gz = new GZIPOutputStream(out, 8192)) {
                    gz.write(body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // not from a byte array
                }
                z = out.toByteArray();
                gzipped = z;
            }
            return z;
        }
    }

    private final AsyncCache<String, Page> pages = Caffeine.newBuilder()
            .maximumWeight(MAX_BYTES)
            // the body plus room for its compressed copy, made later
            .weigher((String k, Page v) -> k.length() + v.body().length + v.body().length / 4)
            .expireAfterWrite(TTL)
            .buildAsync();

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

    /**
     * The cached page, or the one {@code render} makes. Callers asking for a page that is
     * being rendered wait for that one instead of each querying the database: when a popular
     * page expires or the store changes, fifty polling clients would otherwise run fifty
     * identical queries at once, and every one of them would be late. The render runs on the
     * caller's thread, outside any lock; a render that fails is not cached, and its error is
     * what the waiting callers get too.
     */
    Page get(String key, Supplier<Page> render) {
        CompletableFuture<Page> mine = new CompletableFuture<>();
        CompletableFuture<Page> theirs = pages.asMap().putIfAbsent(key, mine);
        if (theirs != null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Page page = render.get();
            mine.complete(page);
            return page;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
