package org.renkei.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to run the embedded PostgreSQL.
 *
 * @param dataDir        the PostgreSQL cluster directory (PGDATA); created and initialised on first
 *                       start; the server log goes to the sibling file {@code <dataDir>.log}
 * @param port           TCP port on 127.0.0.1; {@code 0} picks a free port at start
 * @param binariesCache  where the bundled PostgreSQL binaries are unpacked (shared by all data dirs)
 * @param startTimeout   how long to wait for the server to accept connections (crash recovery
 *                       after a hard kill counts against it)
 * @param serverSettings extra {@code -c name=value} server settings (e.g. {@code shared_buffers});
 *                       the durability settings cannot be overridden
 */
public record EmbeddedPostgresSettings(
        Path dataDir, int port, Path binariesCache, Duration startTimeout, Map<String, String> serverSettings) {

    /** The port the center's embedded store uses unless told otherwise: next to the usual 5432. */
    public static final int DEFAULT_PORT = 5433;

    /** Settings we never let anyone turn off: a store that loses acknowledged data is no store. */
    static final Set<String> DURABILITY_SETTINGS = Set.of("fsync", "synchronous_commit", "full_page_writes");

    public EmbeddedPostgresSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(binariesCache, "binariesCache");
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        for (String name : serverSettings.keySet()) {
            if (DURABILITY_SETTINGS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException(
                        name + " is always on in the embedded store and cannot be overridden");
            }
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        binariesCache = binariesCache.toAbsolutePath().normalize();
        serverSettings = Map.copyOf(serverSettings);
    }

    /** Defaults: {@link #DEFAULT_PORT}, binaries under {@link #defaultBinariesCache()}, 60 s start timeout. */
    public static EmbeddedPostgresSettings of(Path dataDir) {
        return new EmbeddedPostgresSettings(dataDir, DEFAULT_PORT, defaultBinariesCache(), Duration.ofSeconds(60), Map.of());
    }

    public EmbeddedPostgresSettings withPort(int port) {
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, serverSettings);
    }

    public EmbeddedPostgresSettings withBinariesCache(Path binariesCache) {
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, serverSettings);
    }

    public EmbeddedPostgresSettings withStartTimeout(Duration startTimeout) {
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, serverSettings);
    }

    public EmbeddedPostgresSettings withServerSetting(String name, String value) {
        var settings = new LinkedHashMap<>(serverSettings);
        settings.put(name, value);
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, settings);
    }

    /**
     * {@code $RENKEI_POSTGRES_BINARIES} if set, else {@code $XDG_CACHE_HOME/renkei} or
     * {@code ~/.cache/renkei}: outside the data dir so that many data dirs (tests) share one copy.
     */
    public static Path defaultBinariesCache() {
        String explicit = System.getenv("RENKEI_POSTGRES_BINARIES");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("renkei");
    }
}
