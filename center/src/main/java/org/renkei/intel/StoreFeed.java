package org.renkei.intel;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.renkei.access.Audience;
import org.renkei.access.Sector;
import org.renkei.bus.EventBus;
import org.renkei.bus.InProcessBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every object version the store accepts, by any process of the center, in
 * {@code date_added} order: the source of the live stream.
 *
 * <p>Why from the store and not from the writer's memory: a scaled-out center has several
 * processes writing to one PostgreSQL, and a stream must show what any of them accepted,
 * in one order, without gaps. Writers take the {@code date_added_clock} row lock for their
 * transaction, so {@code date_added} order is commit order: once a version is visible,
 * every smaller {@code date_added} is too, and "everything after the last one delivered"
 * is a complete, repeat-free next step. The feed wakes when the {@link StoreVersion}
 * changes (at once for this process's commits, by notification for others') and reads
 * what is new through the unique index on {@code date_added_us}.
 *
 * <p>It reads only while someone subscribes: with no open stream, it just keeps its place
 * at the store's current version, so ingest pays nothing for it.
 */
public final class StoreFeed implements EventBus<StoredObject>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreFeed.class);
    private static final int BATCH = 1000;
    /** How often to look anyway: covers the time the version's notifications are down. */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String SQL = "select " + ObjectStore.COLUMNS
            + ", o.recipient_members, o.recipient_sectors, o.recipient_groups from stix_object o "
            + "where o.date_added_us > :after order by o.date_added_us limit " + BATCH;

    private final Jdbi jdbi;
    private final StoreVersion version;
    private final InProcessBus<StoredObject> subscribers = new InProcessBus<>();
    private final AtomicInteger subscriberCount = new AtomicInteger();
    private final Thread reader;
    private volatile boolean closed;
    private long delivered;

    public StoreFeed(Jdbi jdbi, StoreVersion version) {
        this.jdbi = jdbi;
        this.version = version;
        this.delivered = version.current();
        this.reader = Daemons.start("renkei-store-feed", this::run);
    }

    /** The feed publishes; nothing else may. */
    @Override
    public void publish(StoredObject event) {
        throw new UnsupportedOperationException("the store feed publishes what the store accepted; write to the store");
    }

    @Override
    public AutoCloseable subscribe(Consumer<? super StoredObject> subscriber) {
        AutoCloseable handle = subscribers.subscribe(subscriber);
        subscriberCount.incrementAndGet();
        return () -> {
            handle.close();
            subscriberCount.decrementAndGet();
        };
    }

    private void run() {
        while (!closed) {
            try {
                long now = version.awaitBeyond(delivered, POLL);
                if (subscriberCount.get() == 0) {
                    delivered = Math.max(delivered, now);
                    continue;
                }
                deliverAfter(delivered);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("the live feed could not read the store ({}); retrying", e.getMessage());
                    closed |= !Daemons.pause(POLL);
                }
            }
        }
    }

    private void deliverAfter(long after) {
        while (!closed) {
            long from = after;
            List<StoredObject> rows = jdbi.withHandle(h -> h.createQuery(SQL).bind("after", from)
                    .map((rs, ctx) -> row(rs)).list());
            for (StoredObject o : rows) {
                subscribers.publish(o);
                after = o.dateAddedUs();
                delivered = after;
            }
            if (rows.size() < BATCH) {
                return;
            }
        }
    }

    private static StoredObject row(ResultSet rs) throws SQLException {
        StoredObject o = ObjectStore.row(rs);
        Audience recipients = new Audience(uuids(rs.getArray(11)),
                strings(rs.getArray(12)).stream().map(Sector::fromWire).collect(Collectors.toSet()),
                uuids(rs.getArray(13)));
        return new StoredObject(o.id(), o.versionUs(), o.dateAddedUs(), o.type(), o.specVersion(), o.tlp(),
                o.submitter(), o.anonymous(), recipients, o.revoked(), o.body());
    }

    private static Set<UUID> uuids(Array a) throws SQLException {
        return a == null ? Set.of() : Set.copyOf(Arrays.asList((UUID[]) a.getArray()));
    }

    private static Set<String> strings(Array a) throws SQLException {
        return a == null ? Set.of() : Set.copyOf(Arrays.asList((String[]) a.getArray()));
    }

    @Override
    public void close() {
        closed = true;
        Daemons.stop(reader);
    }
}
