package org.renkei.intel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.renkei.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's version — the {@code date_added_clock} value, which every committed write and
 * every delete advances, by any process of the center — held in memory.
 *
 * <p>Why: cached TAXII pages are keyed by this version, and reading it from the database on
 * every request cost a round trip (and a wake-up of a PostgreSQL backend competing for the
 * same cores) per page served from memory. Instead, a migration makes every change of the
 * clock {@code NOTIFY renkei_store_version}, and one thread per process LISTENs on a
 * connection of its own. This process's own writes go through {@link #write}, which advances
 * the version the moment they commit and turns caching off while a commit is under way.
 *
 * <p>What it costs: a write committed by <em>another</em> process becomes visible to cached
 * pages here when its notification arrives (about a millisecond; it is sent at commit).
 * Pages computed from the database are always current. While the listening connection is
 * down, {@link #current()} reads the database on every call, as before, and on reconnecting
 * it reads the clock once, so notifications missed meanwhile do not matter.
 */
public final class StoreVersion implements AutoCloseable {
    static final String CHANNEL = "renkei_store_version";
    private static final Logger LOG = LoggerFactory.getLogger(StoreVersion.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Jdbi jdbi;
    private final Database db;
    private final AtomicLong version = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger committing = new AtomicInteger();
    private final Object changed = new Object();
    private volatile boolean listening;
    private volatile boolean closed;
    private volatile Connection connection;
    private final Thread listener;

    private StoreVersion(Database db) {
        this.jdbi = db.jdbi();
        this.db = db;
        this.listener = Daemons.start("renkei-store-version", this::listen); // last: every field is set
    }

    /** Follows the version by LISTEN/NOTIFY on a connection of its own; close it on shutdown. */
    public static StoreVersion listening(Database db) {
        return new StoreVersion(db);
    }

    /** The store's version now (within a notification's delay for other processes' writes). */
    public long current() {
        return listening ? version.get() : advanceTo(read());
    }

    /** Takes note of a version this process has committed (or read); versions never go back. */
    public long advanceTo(long v) {
        long before = version.get();
        long now = version.accumulateAndGet(v, Math::max);
        if (now > before) {
            synchronized (changed) {
                changed.notifyAll();
            }
        }
        return now;
    }

    /**
     * Waits until the version is beyond {@code seen} or the timeout passes, and returns the
     * version then (read from the database while notifications are down).
     */
    public long awaitBeyond(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (version.get() <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(changed, left);
            }
        }
        return current();
    }

    /**
     * The version to key cached pages by, or empty while this process is committing a write:
     * during a commit the database may or may not show the write yet, so a page rendered then
     * must not be cached, and a page cached before must not be served as current. A page read
     * from the cache when no commit was under way is what the store held at that moment.
     */
    public OptionalLong forCaching() {
        if (committing.get() > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(current());
    }

    /**
     * Runs a write transaction whose body returns the clock value it set; when it has
     * committed, this process's version is that value at once (so a client that saw its
     * write complete never gets an older cached page from this process).
     */
    public <X extends Exception> void write(Jdbi db, HandleCallback<Long, X> body) throws X {
        boolean[] marked = {false};
        long written;
        try {
            written = db.inTransaction(h -> {
                long v = body.withHandle(h);
                committing.incrementAndGet();
                marked[0] = true;
                return v;
            });
        } catch (RuntimeException e) {
            if (marked[0]) {
                committing.decrementAndGet();
            }
            throw e;
        }
        advanceTo(written);
        committing.decrementAndGet();
    }

    /** Whether the in-memory version is being kept current (false: every read asks the database). */
    public boolean isListening() {
        return listening;
    }

    private long read() {
        return jdbi.withHandle(h -> h.createQuery("select last_us from date_added_clock").mapTo(Long.class).one());
    }

    private void listen() {
        while (!closed) {
            try (Connection c = db.connect("renkei-store-version")) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                    // after LISTEN, so that no change can fall between this read and the first notification
                    try (ResultSet rs = s.executeQuery("select last_us from date_added_clock")) {
                        rs.next();
                        advanceTo(rs.getLong(1));
                    }
                }
                listening = true;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            advanceTo(Long.parseLong(n.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (!closed) {
                    LOG.warn("lost the store-version notifications ({}); reading the version from the database "
                            + "on every request until they are back, retrying in {} s", e.getMessage(), RETRY.toSeconds());
                    closed |= !Daemons.pause(RETRY);
                }
            } finally {
                listening = false;
                connection = null;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listening = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close(); // ends a wait for notifications at once
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        Daemons.stop(listener);
    }
}
