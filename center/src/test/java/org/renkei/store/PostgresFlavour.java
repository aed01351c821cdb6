package org.renkei.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two PostgreSQL servers integration tests run against.
 *
 * <ul>
 *   <li>{@link #EXTERNAL}: the machine's server, {@code jdbc:postgresql://127.0.0.1:5432/test}, user
 *       {@code postgres}, trust auth (CI provides the same). Override with the environment variables
 *       {@code RENKEI_TEST_PG_URL} and {@code RENKEI_TEST_PG_USER}.</li>
 *   <li>{@link #EMBEDDED}: one {@link EmbeddedPostgresServer} per JVM, started lazily on a free port
 *       in a temporary directory that is removed when the JVM exits.</li>
 * </ul>
 * Either way a test gets its own database on that server (see {@link ThrowawayDatabase}).
 */
public enum PostgresFlavour {
    EXTERNAL,
    EMBEDDED;

    /** A connection target with rights to CREATE and DROP DATABASE. */
    record Admin(String jdbcUrl, String user, String howToStart) {
        /** The URL of another database on the same server. */
        String urlOf(String database) {
            int query = jdbcUrl.indexOf('?');
            String base = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
            return base.substring(0, base.lastIndexOf('/') + 1) + database + (query < 0 ? "" : jdbcUrl.substring(query));
        }
    }

    Admin admin() {
        return switch (this) {
            case EXTERNAL -> externalAdmin();
            case EMBEDDED -> {
                EmbeddedPostgresServer server = SharedEmbedded.server();
                yield new Admin(server.jdbcUrl("postgres"), server.user(), "see " + server.logFile());
            }
        };
    }

    static Admin externalAdmin() {
        String url = envOr("RENKEI_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = envOr("RENKEI_TEST_PG_USER", "postgres");
        return new Admin(url, user, "start it: pg_ctlcluster 15 main start (or systemctl start postgresql); "
                + "or point RENKEI_TEST_PG_URL / RENKEI_TEST_PG_USER at a server where that user may CREATE DATABASE");
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Holder idiom: the server starts on first use of EMBEDDED, once per JVM, thread-safely. */
    static final class SharedEmbedded {
        private static final String PREFIX = "renkei-test-pg-";
        private static final EmbeddedPostgresServer SERVER = startShared();

        static EmbeddedPostgresServer server() {
            return SERVER;
        }

        private static EmbeddedPostgresServer startShared() {
            sweepOrphans();
            try {
                Path root = Files.createTempDirectory(PREFIX);
                EmbeddedPostgresServer server = EmbeddedPostgresServer.start(
                        EmbeddedPostgresSettings.of(root.resolve("data")).withPort(0));
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                    server.close();
                    PostgresBinaries.deleteTree(root);
                }));
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * A test JVM killed before its shutdown hook ran (a surefire timeout, Ctrl-C twice) leaves its
         * server running in its temp dir; stop those and remove the dirs, so they do not pile up.
         */
        static void sweepOrphans() {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            try (var dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
                for (Path dir : dirs) {
                    Path data = dir.resolve("data");
                    if (!Files.exists(data.resolve("postmaster.pid"))) {
                        // no server; only delete dirs old enough not to be a JVM that is just starting one
                        if (Files.getLastModifiedTime(dir).toMillis() < System.currentTimeMillis() - 600_000) {
                            PostgresBinaries.deleteTree(dir);
                        }
                    } else if (EmbeddedPostgresServer.stopIfOrphaned(data)) {
                        PostgresBinaries.deleteTree(dir);
                    }
                }
            } catch (IOException e) {
                // best effort; a leftover temp dir does not affect this run
            }
        }

        private SharedEmbedded() {
        }
    }
}
