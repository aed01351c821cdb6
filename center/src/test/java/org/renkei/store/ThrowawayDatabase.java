package org.renkei.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A new, uniquely named database ({@code renkei_t_<random>}) on a test server, migrated and open,
 * dropped again on {@link #close()}. The building block of {@link PostgresExtension}; use it
 * directly for per-method databases or parameterised tests:
 *
 * <pre>{@code
 * @ParameterizedTest @EnumSource(PostgresFlavour.class)
 * void somethingWorks(PostgresFlavour flavour) {
 *     try (var db = ThrowawayDatabase.create(flavour, "classpath:db/migration")) { ... db.jdbi() ... }
 * }
 * }</pre>
 */
public final class ThrowawayDatabase implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PostgresFlavour.Admin admin;
    private final String name;
    private final Database database;

    private ThrowawayDatabase(PostgresFlavour.Admin admin, String name, Database database) {
        this.admin = admin;
        this.name = name;
        this.database = database;
    }

    /** A fresh database with the application's migrations ({@code classpath:db/migration}). */
    public static ThrowawayDatabase create(PostgresFlavour flavour) {
        return create(flavour, List.of(DatabaseSettings.APPLICATION_MIGRATIONS));
    }

    /** A fresh database with the migrations from {@code locations} (none: an empty database). */
    public static ThrowawayDatabase create(PostgresFlavour flavour, String... locations) {
        return create(flavour, List.of(locations));
    }

    public static ThrowawayDatabase create(PostgresFlavour flavour, List<String> locations) {
        return create(flavour.admin(), locations);
    }

    static ThrowawayDatabase create(PostgresFlavour.Admin admin, List<String> locations) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        String name = "renkei_t_" + HexFormat.of().formatHex(random);
        execute(admin, "CREATE DATABASE " + name);
        try {
            Database database = Database.open(DatabaseSettings.of(admin.urlOf(name))
                    .withCredentials(admin.user(), null)
                    .withMigrations(locations.toArray(String[]::new))
                    .withMaximumPoolSize(4));
            return new ThrowawayDatabase(admin, name, database);
        } catch (RuntimeException e) {
            drop(admin, name);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return admin.urlOf(name);
    }

    public String user() {
        return admin.user();
    }

    public Database database() {
        return database;
    }

    public Jdbi jdbi() {
        return database.jdbi();
    }

    public DataSource dataSource() {
        return database.dataSource();
    }

    /** Closes the pool and drops the database, disconnecting anything still attached. */
    @Override
    public void close() {
        database.close();
        drop(admin, name);
    }

    private static void drop(PostgresFlavour.Admin admin, String name) {
        execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void execute(PostgresFlavour.Admin admin, String sql) {
        var properties = new Properties();
        properties.setProperty("user", admin.user());
        properties.setProperty("connectTimeout", "5");
        try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), properties);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("08")) {
                throw new StoreException("the test PostgreSQL at " + admin.jdbcUrl() + " (user " + admin.user()
                        + ") is not reachable: " + admin.howToStart() + " (" + e.getMessage() + ")", e);
            }
            throw new StoreException("cannot run '" + sql + "' on the test PostgreSQL at " + admin.jdbcUrl()
                    + " as " + admin.user() + ": " + e.getMessage(), e);
        }
    }
}
