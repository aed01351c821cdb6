package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ThrowawayDatabaseTest {
    /** In an instance field the extension gives every test method its own database. */
    @RegisterExtension
    final PostgresExtension perMethod = PostgresExtension.embedded().withMigrations();

    @ParameterizedTest
    @EnumSource(PostgresFlavour.class)
    void dropsItsDatabaseOnClose(PostgresFlavour flavour) throws Exception {
        String name;
        try (var db = ThrowawayDatabase.create(flavour, "classpath:store/migration")) {
            name = db.name();
            assertThat(exists(flavour, name)).isTrue();
            // a connection left open by the test must not keep the database alive
            DriverManager.getConnection(db.jdbcUrl(), db.user(), null);
        }
        assertThat(exists(flavour, name)).isFalse();
    }

    @Test
    void givesEachTestMethodItsOwnDatabaseWhenRegisteredOnAnInstanceField() {
        perMethod.jdbi().useHandle(h -> h.execute("CREATE TABLE only_here (v int)"));
        assertThat(perMethod.databaseName()).startsWith("renkei_t_");
    }

    @Test
    void startsEmptyWithoutMigrations() {
        assertThat(scalar(perMethod.jdbi(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", Integer.class)).isZero();
    }

    @Test
    void saysHowToStartTheExternalServerWhenItIsDown() {
        var down = new PostgresFlavour.Admin("jdbc:postgresql://127.0.0.1:1/test", "postgres",
                PostgresFlavour.externalAdmin().howToStart());
        assertThatThrownBy(() -> ThrowawayDatabase.create(down, List.of()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not reachable")
                .hasMessageContaining("pg_ctlcluster 15 main start");
    }

    private static boolean exists(PostgresFlavour flavour, String name) throws Exception {
        var admin = flavour.admin();
        try (var c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), null);
                var s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, name);
            try (var rows = s.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static <T> T scalar(org.jdbi.v3.core.Jdbi jdbi, String sql, Class<T> type) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(type).one());
    }
}
