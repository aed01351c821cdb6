package org.renkei.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach and prepare a PostgreSQL database.
 *
 * @param jdbcUrl            {@code jdbc:postgresql://HOST:PORT/DB}
 * @param user               user name, or {@code null} to take it from the URL (or the driver default)
 * @param password           password, or {@code null} for none (trust authentication)
 * @param migrationLocations Flyway locations applied on open, e.g. {@code classpath:db/migration};
 *                           empty: no migrations
 * @param maximumPoolSize    upper bound of the connection pool
 * @param connectTimeout     how long opening waits for the server before giving up
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, List<String> migrationLocations,
        int maximumPoolSize, Duration connectTimeout) {

    /** The application's schema, versioned by Flyway. */
    public static final String APPLICATION_MIGRATIONS = "classpath:db/migration";

    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DB): " + jdbcUrl);
        }
        if (maximumPoolSize < 1) {
            throw new IllegalArgumentException("maximumPoolSize must be at least 1, got " + maximumPoolSize);
        }
        migrationLocations = List.copyOf(migrationLocations);
    }

    /**
     * Defaults: no user/password beyond the URL, the application migrations, a pool of
     * {@link #defaultPoolSize()} and a 10 s connect timeout.
     */
    public static DatabaseSettings of(String jdbcUrl) {
        return new DatabaseSettings(jdbcUrl, null, null, List.of(APPLICATION_MIGRATIONS), defaultPoolSize(),
                Duration.ofSeconds(10));
    }

    /**
     * PostgreSQL does its work on the server's cores, so a pool much larger than they can serve only
     * queues inside PostgreSQL instead of in the pool (HikariCP's "pool sizing" note: about
     * cores × 2 + disks). Virtual threads make waiting for a connection cheap, so we stay small:
     * 2 cores give 8 — room for a long COPY next to the request traffic.
     */
    public static int defaultPoolSize() {
        return Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
    }

    public DatabaseSettings withCredentials(String user, String password) {
        return new DatabaseSettings(jdbcUrl, user, password, migrationLocations, maximumPoolSize, connectTimeout);
    }

    /** Replaces the migration locations; none means "do not migrate". */
    public DatabaseSettings withMigrations(String... locations) {
        return new DatabaseSettings(jdbcUrl, user, password, List.of(locations), maximumPoolSize, connectTimeout);
    }

    public DatabaseSettings withMaximumPoolSize(int maximumPoolSize) {
        return new DatabaseSettings(jdbcUrl, user, password, migrationLocations, maximumPoolSize, connectTimeout);
    }

    public DatabaseSettings withConnectTimeout(Duration connectTimeout) {
        return new DatabaseSettings(jdbcUrl, user, password, migrationLocations, maximumPoolSize, connectTimeout);
    }

    /** The URL without its query string, which may carry a password: safe for messages and logs. */
    String displayUrl() {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + displayUrl() + ", user=" + user + ", migrations=" + migrationLocations
                + ", pool=" + maximumPoolSize + "]";
    }
}
