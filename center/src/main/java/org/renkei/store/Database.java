package org.renkei.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open, migrated PostgreSQL database: a connection pool, the schema brought up to date by
 * Flyway, and a {@link Jdbi} over the pool. One per process; close it on shutdown.
 *
 * <pre>{@code
 * try (Database db = Database.open(DatabaseSettings.of(url).withCredentials("postgres", null))) {
 *     db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(int.class).one());
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final int migrationsApplied;

    private Database(DatabaseSettings settings, HikariDataSource dataSource, Jdbi jdbi, int migrationsApplied) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.jdbi = jdbi;
        this.migrationsApplied = migrationsApplied;
    }

    /** Opens {@code jdbcUrl} (credentials in the URL, if any) and applies the application migrations. */
    public static Database open(String jdbcUrl) {
        return open(DatabaseSettings.of(jdbcUrl));
    }

    public static Database open(String jdbcUrl, String user, String password) {
        return open(DatabaseSettings.of(jdbcUrl).withCredentials(user, password));
    }

    /** Opens the embedded server's {@code renkei} database with the application migrations. */
    public static Database open(EmbeddedPostgresServer server) {
        return open(DatabaseSettings.of(server.jdbcUrl()).withCredentials(server.user(), null));
    }

    public static Database open(DatabaseSettings settings) {
        checkReachable(settings);
        HikariDataSource dataSource = new HikariDataSource(poolConfig(settings));
        try {
            int applied = migrate(settings, dataSource);
            Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
            return new Database(settings, dataSource, jdbi, applied);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The pool; for code that needs plain JDBC (e.g. pgjdbc's {@code CopyManager} via {@code unwrap}). */
    public DataSource dataSource() {
        return dataSource;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** How many migrations this open applied (0 when the schema was already current). */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static HikariConfig poolConfig(DatabaseSettings settings) {
        var config = new HikariConfig();
        config.setPoolName("renkei-store");
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(settings.maximumPoolSize());
        // a fixed-size pool: no connection churn under bursts, and PostgreSQL connections are cheap to keep
        config.setMinimumIdle(settings.maximumPoolSize());
        config.setConnectionTimeout(Math.max(250, settings.connectTimeout().toMillis()));
        config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
        config.addDataSourceProperty("connectTimeout", Math.max(1, settings.connectTimeout().toSeconds()));
        config.addDataSourceProperty("ApplicationName", "renkei");
        // prepared statements on the server after the 3rd use (pgjdbc default 5), and batch inserts
        // rewritten to multi-row INSERTs
        config.addDataSourceProperty("prepareThreshold", 3);
        config.addDataSourceProperty("reWriteBatchedInserts", true);
        return config;
    }

    /** One direct attempt first, so that "nothing listens there" reads as such and not as a pool timeout. */
    private static void checkReachable(DatabaseSettings settings) {
        try (Connection ignored = connect(settings, "renkei")) {
            // reachable and the credentials work
        } catch (SQLException e) {
            throw unreachable(settings, e);
        }
    }

    /**
     * A connection of its own, outside the pool, for work that holds one for the life of the
     * process (LISTEN); the caller closes it.
     */
    public Connection connect(String applicationName) throws SQLException {
        return connect(settings, applicationName);
    }

    private static Connection connect(DatabaseSettings settings, String applicationName) throws SQLException {
        var properties = new Properties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        long seconds = Math.max(1, settings.connectTimeout().toSeconds());
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("loginTimeout", Long.toString(seconds));
        properties.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    static StoreException unreachable(DatabaseSettings settings, Exception cause) {
        String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
        String hint;
        if ("08001".equals(state) || "08004".equals(state)) {
            hint = "is it running and listening there?";
        } else if ("3D000".equals(state)) {
            hint = "the database does not exist: create it (createdb) or fix the URL";
        } else if (state != null && state.startsWith("28")) {
            hint = "the server refused the credentials: check the user and password";
        } else {
            hint = "is it running, and are the URL and credentials right?";
        }
        return new StoreException("cannot reach PostgreSQL at " + settings.displayUrl()
                + (settings.user() == null ? "" : " as " + settings.user()) + ": " + hint + " (" + cause.getMessage()
                + ")", cause);
    }

    private static int migrate(DatabaseSettings settings, DataSource dataSource) {
        if (settings.migrationLocations().isEmpty()) {
            return 0;
        }
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations(settings.migrationLocations().toArray(String[]::new))
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                log.info("applied {} migration(s) to {}, schema now at version {}", result.migrationsExecuted,
                        settings.displayUrl(), result.targetSchemaVersion);
            }
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate the schema of " + settings.displayUrl() + " from "
                    + settings.migrationLocations() + ": " + e.getMessage(), e);
        } catch (HikariPool.PoolInitializationException e) {
            throw unreachable(settings, e);
        }
    }
}
