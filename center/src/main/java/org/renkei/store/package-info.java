/**
 * Persistence foundation of the center: PostgreSQL is the one store.
 *
 * <p>This package owns
 * <ul>
 *   <li>{@link org.renkei.store.EmbeddedPostgresServer}: the embedded PostgreSQL 18 that the center
 *       starts and supervises in its data directory when no external database is configured
 *       (durable: fsync, synchronous_commit and full_page_writes are forced on; loopback only);</li>
 *   <li>{@link org.renkei.store.Database}: the bootstrap from a JDBC URL to a connection pool,
 *       migrated schema and a {@link org.jdbi.v3.core.Jdbi};</li>
 *   <li>{@link org.renkei.store.StoreException}: failures a user can act on.</li>
 * </ul>
 * The application's schema lives in {@code db/migration} (Flyway); repositories for the domain
 * packages are added beside this foundation. This package depends on no other Renkei package.
 */
package org.renkei.store;
