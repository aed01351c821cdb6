package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    private static final String PROBE = "classpath:store/migration";

    @Test
    void migratesOnOpenAndOnlyOnce() {
        try (var scratch = ThrowawayDatabase.create(PostgresFlavour.EMBEDDED, java.util.List.of())) {
            DatabaseSettings settings = DatabaseSettings.of(scratch.jdbcUrl())
                    .withCredentials(scratch.user(), null).withMigrations(PROBE);
            try (var db = Database.open(settings)) {
                assertThat(db.migrationsApplied()).isEqualTo(2);
                assertThat(scalar(db.jdbi(), "SELECT count(*) FROM store_probe", Integer.class)).isZero();
            }
            try (var db = Database.open(settings)) {
                assertThat(db.migrationsApplied()).isZero();
            }
        }
    }

    @Test
    void givesAJdbiWithThePostgresPluginInstalled() throws Exception {
        try (var scratch = ThrowawayDatabase.create(PostgresFlavour.EMBEDDED, PROBE)) {
            InetAddress address = InetAddress.getByName("192.0.2.7");
            scratch.jdbi().useHandle(h -> h.createUpdate("INSERT INTO store_probe (note, address) VALUES ('x', :a)")
                    .bind("a", address).execute());
            InetAddress read = scalar(scratch.jdbi(), "SELECT address FROM store_probe WHERE address << '192.0.2.0/24'::inet", InetAddress.class);
            assertThat(read).isEqualTo(address);
        }
    }

    @Test
    void sizesThePoolForTheMachineAndExposesIt() throws Exception {
        try (var scratch = ThrowawayDatabase.create(PostgresFlavour.EMBEDDED)) {
            try (var db = Database.open(DatabaseSettings.of(scratch.jdbcUrl()).withCredentials(scratch.user(), null)
                    .withMigrations().withMaximumPoolSize(3))) {
                assertThat(db.migrationsApplied()).isZero();
                try (var connection = db.dataSource().getConnection()) {
                    assertThat(connection.isValid(1)).isTrue();
                }
                assertThat(db.settings().maximumPoolSize()).isEqualTo(3);
            }
        }
        assertThat(DatabaseSettings.defaultPoolSize()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void explainsWhenNothingListensAtTheUrl() throws Exception {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/renkei?password=secret";
        assertThatThrownBy(() -> Database.open(DatabaseSettings.of(url).withConnectTimeout(Duration.ofSeconds(2))))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:" + port + "/renkei: ")
                .hasMessageContaining("is it running")
                .hasMessageNotContaining("secret");
    }

    @Test
    void explainsAMissingDatabase() {
        var admin = PostgresFlavour.EMBEDDED.admin();
        assertThatThrownBy(() -> Database.open(admin.urlOf("no_such_db"), admin.user(), null))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("the database does not exist");
    }

    @Test
    void rejectsUrlsThatAreNotPostgres() {
        assertThatThrownBy(() -> DatabaseSettings.of("jdbc:h2:mem:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PostgreSQL JDBC URL");
    }

    private static <T> T scalar(org.jdbi.v3.core.Jdbi jdbi, String sql, Class<T> type) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(type).one());
    }
}
