package org.renkei.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.store.Database;
import org.renkei.store.PostgresExtension;

/** The in-memory store version that keys cached TAXII pages (see {@link StoreVersion}). */
class StoreVersionTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    StoreVersion version;
    /** Another process of the center: its own pool on the same database. */
    Database other;

    @BeforeEach
    void start() {
        version = StoreVersion.listening(PG.database());
        other = Database.open(PG.jdbcUrl(), PG.user(), null);
        await("listening", version::isListening);
    }

    @AfterEach
    void stop() {
        version.close();
        other.close();
        PG.jdbi().useHandle(h -> h.execute("alter table date_added_clock enable trigger date_added_clock_announce"));
    }

    @Test
    void anotherProcesssWriteArrivesByNotificationNotByQuery() {
        long before = version.current();
        long written = advanceClock(other.jdbi(), 7);
        await("the other process's write is seen", () -> version.current() == written);
        assertThat(written).isEqualTo(before + 7);
        // with the announcement switched off, a write goes unseen: the version is held in memory,
        // not read from the database on each call
        PG.jdbi().useHandle(h -> h.execute("alter table date_added_clock disable trigger date_added_clock_announce"));
        advanceClock(other.jdbi(), 1);
        sleep(200);
        assertThat(version.current()).isEqualTo(written);
    }

    @Test
    void ownCommitCountsAtOnceWithoutWaitingForItsNotification() {
        PG.jdbi().useHandle(h -> h.execute("alter table date_added_clock disable trigger date_added_clock_announce"));
        long before = version.current();
        version.write(PG.jdbi(), h -> h.createQuery("update date_added_clock set last_us = last_us + 3 returning last_us")
                .mapTo(Long.class).one());
        assertThat(version.forCaching()).hasValue(before + 3);
        assertThat(version.advanceTo(before)).as("never goes back").isEqualTo(before + 3);
    }

    @Test
    void aFailedCommitLeavesCachingOnAndTheVersionAlone() {
        long before = version.current();
        assertThatThrownBy(() -> version.write(PG.jdbi(), h -> {
            h.execute("update date_added_clock set last_us = last_us + 5");
            throw new IllegalStateException("refused");
        })).hasMessage("refused");
        assertThat(version.forCaching()).hasValue(before);
        // and one that the database refuses at COMMIT, after the body has run
        assertThatThrownBy(() -> version.write(PG.jdbi(), h -> {
            h.execute("create temp table once (x int unique deferrable initially deferred) on commit drop");
            h.execute("insert into once values (1), (1)");
            return h.createQuery("update date_added_clock set last_us = last_us + 5 returning last_us")
                    .mapTo(Long.class).one();
        })).as("refused at commit").rootCause().hasMessageContaining("duplicate key");
        assertThat(version.forCaching()).as("caching is back on").hasValue(before);
        long stored = PG.jdbi().withHandle(h -> h.createQuery("select last_us from date_added_clock")
                .mapTo(Long.class).one());
        assertThat(stored).isEqualTo(before);
    }

    @Test
    void whileTheListenerIsDownEveryReadAsksTheDatabaseAndItComesBack() {
        PG.jdbi().useHandle(h -> h.execute("alter table date_added_clock disable trigger date_added_clock_announce"));
        PG.jdbi().useHandle(h -> h.createQuery("select pg_terminate_backend(pid) from pg_stat_activity "
                + "where application_name = 'renkei-store-version' and datname = current_database()")
                .mapTo(Boolean.class).list());
        await("the lost connection is noticed", () -> !version.isListening());
        long written = advanceClock(other.jdbi(), 2);
        assertThat(version.current()).as("read from the database").isEqualTo(written);
        long whileReconnecting = advanceClock(other.jdbi(), 1);
        await("listening again", version::isListening);
        assertThat(version.current()).as("what was missed while down is read on reconnecting")
                .isEqualTo(whileReconnecting);
    }

    private static long advanceClock(Jdbi jdbi, int by) {
        return jdbi.withHandle(h -> h.createQuery("update date_added_clock set last_us = last_us + :by returning last_us")
                .bind("by", by).mapTo(Long.class).one());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting: " + what).isLessThan(deadline);
            sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
