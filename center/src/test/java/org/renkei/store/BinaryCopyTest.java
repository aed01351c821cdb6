package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BinaryCopyTest {

    private static final String TABLE = """
            create table copy_probe (id text primary key, n bigint, small smallint, flag boolean, owner uuid,
              owners uuid[], tags text[], note text)""";

    @ParameterizedTest
    @EnumSource(PostgresFlavour.class)
    void streamsRowsLargerThanOneChunkInChunksAndTheServerGetsEveryValue(PostgresFlavour flavour) throws Exception {
        try (var db = ThrowawayDatabase.create(flavour); Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute(TABLE);
            UUID owner = UUID.randomUUID();
            String note = "é".repeat(300) + "\u65e5\u672c"; // multi-byte text: lengths are in bytes
            int n = 3 * BinaryCopy.CHUNK / 600 + 17; // several chunks and a partial one
            long taken;
            try (BinaryCopy copy = BinaryCopy.into(c, "copy copy_probe from stdin (format binary)")) {
                for (int i = 0; i < n; i++) {
                    copy.row(8).text("row-" + i).int8(1L << 40 | i).int2(i % 5).bool(i % 2 == 0).uuid(owner)
                            .uuidArray(i % 3 == 0 ? List.of() : List.of(owner)).textArray(List.of("a", "b" + i))
                            .text(i == 7 ? null : note);
                }
                taken = copy.finish();
            }
            assertThat(taken).isEqualTo(n);
            try (var rs = c.createStatement().executeQuery("""
                    select count(*), sum(n - (1::bigint << 40)), count(*) filter (where flag), count(note),
                      count(*) filter (where cardinality(owners) = 0), min(note), max(tags[2]), count(distinct owner)
                    from copy_probe""")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(n);
                assertThat(rs.getLong(2)).isEqualTo((long) n * (n - 1) / 2);
                assertThat(rs.getLong(3)).isEqualTo((n + 1) / 2);
                assertThat(rs.getLong(4)).isEqualTo(n - 1);
                assertThat(rs.getLong(5)).isEqualTo((n + 2) / 3);
                assertThat(rs.getString(6)).isEqualTo(note);
                assertThat(rs.getString(7)).isEqualTo(java.util.stream.IntStream.range(0, n).mapToObj(i -> "b" + i)
                        .max(String::compareTo).orElseThrow());
                assertThat(rs.getLong(8)).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PostgresFlavour.class)
    void aViolationMidStreamFailsFinishWithItsStateAndLeavesTheConnectionUsable(PostgresFlavour flavour) throws Exception {
        try (var db = ThrowawayDatabase.create(flavour); Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute(TABLE);
            c.createStatement().execute("insert into copy_probe (id) values ('row-5')");
            c.setAutoCommit(false);
            Savepoint before = c.setSavepoint();
            BinaryCopy copy = BinaryCopy.into(c, "copy copy_probe (id, note) from stdin (format binary)");
            for (int i = 0; i < 2_000; i++) {
                copy.row(2).text("row-" + i).text("x".repeat(500));
            }
            assertThatThrownBy(copy::finish).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
            c.rollback(before);
            try (var rs = c.createStatement().executeQuery("select count(*) from copy_probe")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            c.commit();
        }
    }

    @ParameterizedTest
    @EnumSource(PostgresFlavour.class)
    void closingAnUnfinishedCopyAbandonsItsRows(PostgresFlavour flavour) throws Exception {
        try (var db = ThrowawayDatabase.create(flavour); Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute(TABLE);
            try (BinaryCopy copy = BinaryCopy.into(c, "copy copy_probe (id) from stdin (format binary)")) {
                for (int i = 0; i < 1_000; i++) {
                    copy.row(1).text("abandoned-" + "y".repeat(200) + i);
                }
            }
            try (var rs = c.createStatement().executeQuery("select count(*) from copy_probe")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }
}
