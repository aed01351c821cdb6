package org.renkei.store;

import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own fresh, migrated PostgreSQL database, dropped afterwards.
 *
 * <pre>{@code
 * class MemberRepositoryTest {
 *     @RegisterExtension
 *     static final PostgresExtension pg = PostgresExtension.embedded();   // or external()
 *
 *     @BeforeAll
 *     static void seed() { pg.jdbi().useHandle(h -> h.execute("INSERT ...")); }  // already usable here
 * }
 * }</pre>
 *
 * <p>In a {@code static} field the database lives for the whole class (created before any
 * {@code @BeforeAll} method, dropped after the last {@code @AfterAll}; {@code @Nested} classes share
 * it). In an instance field each test method gets its own.
 *
 * <p>To run the same tests against both servers, put them in an abstract class with an
 * {@code abstract PostgresExtension pg()} and extend it twice, each subclass registering one
 * flavour (see {@code PostgresExtensionContract}); or use {@link ThrowawayDatabase} with
 * {@code @EnumSource(PostgresFlavour.class)}.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final PostgresFlavour flavour;
    private final List<String> migrations;
    private ThrowawayDatabase database;
    private String owner;

    private PostgresExtension(PostgresFlavour flavour, List<String> migrations) {
        this.flavour = flavour;
        this.migrations = List.copyOf(migrations);
    }

    /** On the machine's PostgreSQL at 127.0.0.1:5432 (see {@link PostgresFlavour#EXTERNAL}). */
    public static PostgresExtension external() {
        return of(PostgresFlavour.EXTERNAL);
    }

    /** On the JVM-wide embedded PostgreSQL 18 (see {@link PostgresFlavour#EMBEDDED}). */
    public static PostgresExtension embedded() {
        return of(PostgresFlavour.EMBEDDED);
    }

    /** With the application's migrations ({@code classpath:db/migration}). */
    public static PostgresExtension of(PostgresFlavour flavour) {
        return new PostgresExtension(flavour, List.of(DatabaseSettings.APPLICATION_MIGRATIONS));
    }

    /** The same flavour with these Flyway locations instead (none: an empty database). */
    public PostgresExtension withMigrations(String... locations) {
        return new PostgresExtension(flavour, List.of(locations));
    }

    public PostgresFlavour flavour() {
        return flavour;
    }

    public Jdbi jdbi() {
        return current().jdbi();
    }

    public DataSource dataSource() {
        return current().dataSource();
    }

    public Database database() {
        return current().database();
    }

    public String jdbcUrl() {
        return current().jdbcUrl();
    }

    public String user() {
        return current().user();
    }

    public String databaseName() {
        return current().name();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeIfOwnedBy(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        open(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeIfOwnedBy(context);
    }

    /** The outermost context that asks owns the database; nested classes and methods reuse it. */
    private synchronized void open(ExtensionContext context) {
        if (database == null) {
            database = ThrowawayDatabase.create(flavour, migrations);
            owner = context.getUniqueId();
        }
    }

    private synchronized void closeIfOwnedBy(ExtensionContext context) {
        if (database != null && context.getUniqueId().equals(owner)) {
            try {
                database.close();
            } finally {
                database = null;
                owner = null;
            }
        }
    }

    private synchronized ThrowawayDatabase current() {
        if (database == null) {
            throw new IllegalStateException("no database yet: register the PostgresExtension with @RegisterExtension "
                    + "(static for per-class, instance for per-method) and use it from @BeforeAll/@BeforeEach or tests");
        }
        return database;
    }

    @Override
    public String toString() {
        return "PostgresExtension[" + flavour + "]";
    }
}
