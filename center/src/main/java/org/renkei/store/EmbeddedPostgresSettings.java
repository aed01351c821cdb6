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
 * @param serverSettings extra {@code -c name=value} server settings (e.g. {@code work_mem}); they win
 *                       over {@link #defaultServerSettings()}; the durability settings cannot be overridden
 * @param dataChecksums  whether initdb turns on data checksums (only when it creates the cluster: an
 *                       existing cluster keeps what it was made with)
 */
public record EmbeddedPostgresSettings(
        Path dataDir, int port, Path binariesCache, Duration startTimeout, Map<String, String> serverSettings,
        boolean dataChecksums) {

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
        serverSettings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(serverSettings));
    }

    public EmbeddedPostgresSettings(Path dataDir, int port, Path binariesCache, Duration startTimeout,
                                    Map<String, String> serverSettings) {
        this(dataDir, port, binariesCache, startTimeout, serverSettings, true);
    }

    /** Defaults: {@link #DEFAULT_PORT}, binaries under {@link #defaultBinariesCache()}, 60 s start timeout. */
    public static EmbeddedPostgresSettings of(Path dataDir) {
        return new EmbeddedPostgresSettings(dataDir, DEFAULT_PORT, defaultBinariesCache(), Duration.ofSeconds(60), Map.of());
    }

    public EmbeddedPostgresSettings withPort(int port) {
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, serverSettings, dataChecksums);
    }

    public EmbeddedPostgresSettings withBinariesCache(Path binariesCache) {
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, serverSettings, dataChecksums);
    }

    public EmbeddedPostgresSettings withStartTimeout(Duration startTimeout) {
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, serverSettings, dataChecksums);
    }

    public EmbeddedPostgresSettings withServerSetting(String name, String value) {
        var settings = new LinkedHashMap<>(serverSettings);
        settings.put(name, value);
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, settings, dataChecksums);
    }

    public EmbeddedPostgresSettings withServerSettings(Map<String, String> more) {
        var settings = new LinkedHashMap<>(serverSettings);
        settings.putAll(more);
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, settings, dataChecksums);
    }

    public EmbeddedPostgresSettings withDataChecksums(boolean on) {
        return new EmbeddedPostgresSettings(dataDir, port, binariesCache, startTimeout, serverSettings, on);
    }

    /**
     * What the embedded server runs with unless {@link #serverSettings} say otherwise. The stock
     * values are made for a small shared machine: 1 GB of WAL between checkpoints and one every 5
     * minutes meant a checkpoint every few seconds under bulk ingest, each followed by a full-page
     * image of every page touched again (most of the WAL); 128 MB of shared buffers held less than
     * the indexes being written.
     * <ul>
     * <li>{@code max_wal_size=4GB}, {@code checkpoint_timeout=15min}: fewer checkpoints, fewer
     *     full-page images; crash recovery replays more WAL (at most about 4 GB);</li>
     * <li>{@code shared_buffers}: a quarter of the machine's memory, at least 128 MB, at most 1 GB
     *     (see {@link #sharedBuffersMb}).</li>
     * </ul>
     */
    public static Map<String, String> defaultServerSettings() {
        var d = new LinkedHashMap<String, String>();
        d.put("max_wal_size", "4GB");
        d.put("checkpoint_timeout", "15min");
        d.put("shared_buffers", sharedBuffersMb(physicalMemoryBytes()) + "MB");
        return d;
    }

    /** A quarter of {@code memoryBytes}, in MB, clamped to 128..1024. */
    static long sharedBuffersMb(long memoryBytes) {
        return Math.max(128, Math.min(1024, memoryBytes / 4 / (1024 * 1024)));
    }

    private static long physicalMemoryBytes() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize(); // the container's limit where there is one
        }
        return 0; // unknown: the lower bound
    }

    /**
     * Parses extra server settings written as {@code name=value} pairs separated by commas or
     * white space ({@code "work_mem=64MB, max_wal_size=8GB"}); a value cannot contain either.
     */
    public static Map<String, String> parseServerSettings(String text) {
        var out = new LinkedHashMap<String, String>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.trim().split("[,\\s]+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("'" + pair + "' is not name=value; write PostgreSQL settings as "
                        + "name=value pairs separated by commas, e.g. work_mem=64MB,max_wal_size=8GB");
            }
            String name = pair.substring(0, eq).trim();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                throw new IllegalArgumentException("'" + name + "' is not a PostgreSQL setting name");
            }
            out.put(name, pair.substring(eq + 1).trim());
        }
        return out;
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
