package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every flavour of {@link PostgresExtension} promises; run once per flavour by the subclasses.
 * It doubles as the example of running one test class against both servers.
 */
abstract class PostgresExtensionContract {
    abstract PostgresExtension pg();

    static void seed(PostgresExtension pg) {
        pg.jdbi().useHandle(h -> h.execute("INSERT INTO store_probe (note) VALUES ('seeded in @BeforeAll')"));
    }

    @Test
    void givesTheClassItsOwnMigratedDatabaseUsableFromBeforeAll() {
        assertThat(pg().databaseName()).startsWith("renkei_t_");
        assertThat(pg().jdbcUrl()).endsWith("/" + pg().databaseName());
        String current = scalar(pg().jdbi(), "SELECT current_database()", String.class);
        assertThat(current).isEqualTo(pg().databaseName());
        assertThat(column(pg().jdbi(), "SELECT note FROM store_probe", String.class))
                .containsExactly("seeded in @BeforeAll");
        assertThat(scalar(pg().jdbi(), "SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class)).isEqualTo(2);
    }

    @Test
    void givesPlainJdbcToo() throws Exception {
        try (var connection = pg().dataSource().getConnection(); var s = connection.createStatement();
                var rows = s.executeQuery("SELECT current_user")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(pg().user());
        }
    }

    @Nested
    class NestedClasses {
        @Test
        void shareTheOuterClassDatabase() {
            assertThat(scalar(pg().jdbi(), "SELECT count(*) FROM store_probe", Integer.class)).isEqualTo(1);
        }
    }

    static class OnEmbeddedTest extends PostgresExtensionContract {
        @org.junit.jupiter.api.extension.RegisterExtension
        static final PostgresExtension pg = PostgresExtension.embedded().withMigrations("classpath:store/migration");

        @BeforeAll
        static void seed() {
            seed(pg);
        }

        @Override
        PostgresExtension pg() {
            return pg;
        }

        @Test
        void runsOnPostgres18() {
            assertThat(scalar(pg.jdbi(), "SHOW server_version_num", String.class))
                    .startsWith("18");
        }
    }

    static class OnExternalTest extends PostgresExtensionContract {
        @org.junit.jupiter.api.extension.RegisterExtension
        static final PostgresExtension pg = PostgresExtension.external().withMigrations("classpath:store/migration");

        @BeforeAll
        static void seed() {
            seed(pg);
        }

        @Override
        PostgresExtension pg() {
            return pg;
        }
    }

    private static <T> T scalar(org.jdbi.v3.core.Jdbi jdbi, String sql, Class<T> type) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(type).one());
    }

    private static <T> java.util.List<T> column(org.jdbi.v3.core.Jdbi jdbi, String sql, Class<T> type) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(type).list());
    }
}
