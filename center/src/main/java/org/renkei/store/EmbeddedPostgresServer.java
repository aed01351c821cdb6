package org.renkei.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 18 server that this JVM starts in a fixed data directory, supervises, and stops.
 *
 * <p>It is the center's default store, so it is configured as a real one: fsync, synchronous
 * commit and full page writes are on (they are passed on the command line, which beats
 * {@code postgresql.conf} and {@code ALTER SYSTEM}). It listens on 127.0.0.1 only, with trust
 * authentication for the superuser {@code postgres}: any process on this machine can connect to
 * the port, none from outside.
 *
 * <p>Crash safety: when the JVM is killed hard, the server either dies with it or lives on as an
 * orphan. On the next start we find its {@code postmaster.pid}: an orphan (a server on this data dir
 * whose parent is no longer a JVM) is shut down cleanly and replaced; a stale file is removed;
 * PostgreSQL's own WAL recovery takes care of the data. A server on this data dir that a live JVM
 * still supervises is never touched: that is a configuration error and is reported as such.
 *
 * <p>Usage:
 * <pre>{@code
 * try (var pg = EmbeddedPostgresServer.start(Path.of("data/postgres"), EmbeddedPostgresSettings.DEFAULT_PORT);
 *      var db = Database.open(pg)) {
 *     ...
 * }
 * }</pre>
 * The server log is {@code data/postgres.log}. A JVM that exits without {@link #close()} stops the
 * server from a shutdown hook.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    /** The database the center uses; created on first start. */
    public static final String DATABASE = "renkei";
    /** The superuser initdb creates; trust-authenticated on loopback. */
    public static final String USER = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
    /** sun_path is 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    private final EmbeddedPostgresSettings settings;
    private final int port;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;
    private boolean stopped;
    /** Counted down once the server is down, whoever stopped it. */
    private final CountDownLatch down = new CountDownLatch(1);
    /** How long this server's shutdown hook waits for its owner to close it first: see {@link #start(EmbeddedPostgresSettings, Duration)}. */
    private final Duration ownerGrace;

    private EmbeddedPostgresServer(EmbeddedPostgresSettings settings, int port, Process process, Path logFile, Duration ownerGrace) {
        this.settings = settings;
        this.ownerGrace = ownerGrace;
        this.port = port;
        this.process = process;
        this.logFile = logFile;
        this.shutdownHook = Thread.ofPlatform().name("embedded-postgres-stop").unstarted(this::stopOnExit);
    }

    /** Starts (initialising on first use) a server in {@code dataDir} on 127.0.0.1:{@code port} ({@code 0}: any free port). */
    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        return start(EmbeddedPostgresSettings.of(dataDir).withPort(port));
    }

    public static EmbeddedPostgresServer start(EmbeddedPostgresSettings settings) {
        return start(settings, Duration.ZERO);
    }

    /**
     * {@link #start(EmbeddedPostgresSettings)} for an owner that closes the server from a shutdown hook
     * of its own, after what uses it: this server's hook then waits up to {@code ownerGrace} for that
     * close before stopping the server itself (the JVM runs shutdown hooks at the same time, in no
     * order). Without it, a stop signal could take the server down under the owner's open connections,
     * which then logged their broken connections, with stack traces, while the owner was still closing.
     * The wait is in place from the moment the server runs, so a stop signal during the owner's
     * start-up is covered too.
     */
    public static EmbeddedPostgresServer start(EmbeddedPostgresSettings settings, Duration ownerGrace) {
        long began = System.nanoTime();
        PostgresBinaries binaries = PostgresBinaries.unpack(settings.binariesCache());
        LaunchPrefix prefix = LaunchPrefix.forCurrentUser();
        Path dataDir = settings.dataDir();
        Path logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        try {
            Files.createDirectories(dataDir.getParent());
            if (Files.exists(dataDir.resolve("PG_VERSION"))) {
                checkDataDir(dataDir);
                clearPreviousRun(dataDir); // before the port check: the orphan may hold our port
            }
            int port = settings.port() == 0 ? freePort() : checkPortFree(settings.port());
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                initialise(binaries, prefix, dataDir, logFile, settings.dataChecksums());
                checkDataDir(dataDir);
            }
            Process process = launch(binaries, prefix, settings, port, logFile);
            var server = new EmbeddedPostgresServer(settings, port, process, logFile, ownerGrace);
            // hooked before waiting: crash recovery can take a while, and a JVM told to exit
            // meanwhile must not leave the server behind
            try {
                Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            } catch (IllegalStateException exiting) {
                // The stop signal came while the server was being launched: the server runs in a
                // session of its own, so nothing else would stop it.
                server.stop();
                throw new StoreException("the embedded PostgreSQL was stopped while starting: this process is exiting", exiting);
            }
            try {
                server.awaitReady();
                server.createDatabaseIfMissing();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            log.info("embedded PostgreSQL {} ready on 127.0.0.1:{} (data {}, log {}, pid {}) in {} ms",
                    PostgresBinaries.majorVersion(), port, dataDir, logFile, process.pid(),
                    (System.nanoTime() - began) / 1_000_000);
            return server;
        } catch (IOException e) {
            throw new StoreException("cannot prepare the embedded PostgreSQL data directory " + dataDir + ": " + e, e);
        }
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * The operating-system pid of the postmaster. {@code unshare} replaces itself with the server
     * (exec, no fork), so the process we launched is the postmaster itself and the one we signal.
     */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/renkei}; user {@link #USER}, no password. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    /** Fast shutdown: open sessions are disconnected, committed data is safe. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDownOrNotRegistered) {
            // the hook is running or was never added; either way nothing to undo
        }
    }

    /** Synchronized so that a second caller (close() racing the shutdown hook) returns only once the server is down. */
    private synchronized void stop() {
        if (!stopped) {
            stopped = true;
            shutDown(process.toHandle(), settings.dataDir());
        }
        down.countDown();
    }

    private void stopOnExit() {
        try {
            down.await(ownerGrace.toNanos(), TimeUnit.NANOSECONDS); // at once without an owner (grace zero)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }

    /**
     * Shuts down a server left on {@code dataDir} by a run that ended without stopping it, if there is
     * one. Returns whether the directory is now free of PostgreSQL processes; {@code false} means a
     * live JVM still supervises a server there. Used to clean up after killed test JVMs.
     */
    static boolean stopIfOrphaned(Path dataDir) {
        try {
            clearPreviousRun(dataDir.toAbsolutePath().normalize());
            return true;
        } catch (StoreException inUse) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- start-up steps -------------------------------------------------------------------------

    private static void initialise(PostgresBinaries binaries, LaunchPrefix prefix, Path dataDir, Path logFile,
            boolean dataChecksums)
            throws IOException {
        if (Files.isDirectory(dataDir)) {
            try (var entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new StoreException(dataDir + " is not empty and is not a PostgreSQL data directory "
                            + "(no PG_VERSION): choose an empty or new directory for the embedded store");
                }
            }
        }
        // initdb into a sibling and rename, so a kill during initdb never leaves a half-made cluster
        Path staging = dataDir.resolveSibling(dataDir.getFileName() + ".initdb");
        PostgresBinaries.deleteTree(staging);
        List<String> command = prefix.command(List.of(binaries.initdb().toString(),
                "--pgdata=" + staging, "--username=" + USER, "--auth=trust", "--encoding=UTF8", "--locale=C",
                "--no-instructions",
                // checksums let PostgreSQL notice a page the disk corrupted instead of serving it; they
                // cost some CPU per page read from and written to the OS (see README, Configuration)
                dataChecksums ? "--data-checksums" : "--no-data-checksums"));
        long began = System.nanoTime();
        Process initdb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        boolean finished;
        try {
            finished = initdb.waitFor(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            initdb.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while initialising " + dataDir);
        }
        if (!finished || initdb.exitValue() != 0) {
            initdb.destroyForcibly();
            PostgresBinaries.deleteTree(staging);
            throw new StoreException("initdb failed for " + dataDir + hintFor(prefix, logFile) + "; initdb said:\n"
                    + tail(logFile, 20));
        }
        // trust on loopback TCP only (and the socket in the 0700 data dir); nothing from outside
        Files.writeString(staging.resolve("pg_hba.conf"), """
                # written by Renkei's embedded store: loopback only, trust
                local   all   all                 trust
                host    all   all   127.0.0.1/32  trust
                """);
        Files.move(staging, dataDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        log.info("initialised embedded PostgreSQL data directory {} in {} ms", dataDir,
                (System.nanoTime() - began) / 1_000_000);
    }

    private static String hintFor(LaunchPrefix prefix, Path logFile) {
        String text = tail(logFile, 20);
        if (prefix.usesUserNamespace() && text.contains("unshare")) {
            return " (running as root needs a user namespace and the kernel refused one: run the center as a "
                    + "non-root user, allow user namespaces (e.g. docker --security-opt seccomp=unconfined, "
                    + "sysctl user.max_user_namespaces>0), or use --db with an external PostgreSQL)";
        }
        return " (see " + logFile + ")";
    }

    private static void checkDataDir(Path dataDir) throws IOException {
        String version = Files.readString(dataDir.resolve("PG_VERSION")).strip();
        if (!version.equals(PostgresBinaries.majorVersion())) {
            throw new StoreException(dataDir + " was made by PostgreSQL " + version + " but the embedded server is "
                    + "PostgreSQL " + PostgresBinaries.majorVersion() + ": upgrade it with pg_upgrade, or move it "
                    + "aside and start with an empty directory");
        }
        int owner = (Integer) Files.getAttribute(dataDir, "unix:uid");
        int me = LaunchPrefix.effectiveUid();
        if (me >= 0 && owner != me) {
            throw new StoreException(dataDir + " is owned by uid " + owner + " but the center runs as uid " + me
                    + ": PostgreSQL only runs on a data directory its own user owns; chown -R " + me + " " + dataDir);
        }
        // PostgreSQL refuses group/other access beyond 0750; tar or cp may have widened it
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    }

    /** Deals with what a previous run of ours left behind: see the class comment. */
    private static void clearPreviousRun(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            Optional<ProcessHandle> postmaster = readPid(pidFile).flatMap(ProcessHandle::of)
                    .filter(ProcessHandle::isAlive).filter(p -> runsIn(p, dataDir));
            if (postmaster.isPresent()) {
                ProcessHandle server = postmaster.get();
                Optional<ProcessHandle> parent = server.parent().filter(ProcessHandle::isAlive);
                if (parent.isPresent() && isJvm(parent.get())) {
                    String who = parent.get().pid() == ProcessHandle.current().pid() ? "this JVM"
                            : "the JVM with pid " + parent.get().pid();
                    throw new StoreException("the data directory " + dataDir + " is in use by a PostgreSQL server (pid "
                            + server.pid() + ") that " + who + " supervises: stop that center first, or give this "
                            + "one another data directory");
                }
                log.warn("found PostgreSQL (pid {}) left running on {} by a previous run that ended abruptly; "
                        + "shutting it down to start a fresh supervised one", server.pid(), dataDir);
                shutDown(server, dataDir);
            } else {
                // the recorded pid is dead or now belongs to some unrelated process; PostgreSQL would
                // refuse to start in the latter case, so the file goes
                log.warn("removing stale {} from a previous run that ended abruptly", pidFile);
                Files.deleteIfExists(pidFile);
            }
        }
        awaitNoProcessesIn(dataDir);
    }

    /** Backends outlive a killed postmaster briefly; a new one cannot start while they hold shared memory. */
    private static void awaitNoProcessesIn(Path dataDir) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ProcessHandle> left;
        while (!(left = processesIn(dataDir)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                log.warn("killing {} leftover PostgreSQL processes on {}", left.size(), dataDir);
                left.forEach(ProcessHandle::destroyForcibly);
                sleep(200);
                return;
            }
            sleep(50);
        }
    }

    private static List<ProcessHandle> processesIn(Path dataDir) {
        return ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> runsIn(p, dataDir)).toList();
    }

    /** PostgreSQL processes chdir into their data directory, which is how we recognise them. */
    private static boolean runsIn(ProcessHandle process, Path dataDir) {
        try {
            Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"));
            return cwd.equals(dataDir) || cwd.equals(dataDir.toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static boolean isJvm(ProcessHandle process) {
        return process.pid() != 1 && process.info().command()
                .map(command -> command.endsWith("/java") || command.endsWith("/javaw")).orElse(false);
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int checkPortFree(int port) {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
            return port;
        } catch (BindException e) {
            throw new StoreException("port " + port + " on 127.0.0.1 is already in use, so the embedded PostgreSQL "
                    + "cannot listen there (see who holds it: ss -ltnp 'sport = :" + port + "'): stop that process "
                    + "or configure another port for the embedded store");
        } catch (IOException e) {
            throw new StoreException("cannot check port " + port + " on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static Process launch(PostgresBinaries binaries, LaunchPrefix prefix, EmbeddedPostgresSettings settings,
            int port, Path logFile) throws IOException {
        Path dataDir = settings.dataDir();
        String socketPath = dataDir + "/.s.PGSQL." + port;
        var program = new ArrayList<>(List.of(binaries.postgres().toString(), "-D", dataDir.toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                // a socket for psql in the 0700 data dir when the path fits, none otherwise (JDBC uses TCP)
                "-c", "unix_socket_directories=" + (socketPath.length() <= MAX_SOCKET_PATH ? dataDir : ""),
                // Renkei's time is UTC everywhere; the log too, so it lines up with ours
                "-c", "TimeZone=UTC", "-c", "log_timezone=UTC",
                "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on"));
        var serverSettings = EmbeddedPostgresSettings.defaultServerSettings();
        serverSettings.putAll(settings.serverSettings());
        for (Map.Entry<String, String> setting : serverSettings.entrySet()) {
            program.add("-c");
            program.add(setting.getKey() + "=" + setting.getValue());
        }
        // output goes straight to a file, not a pipe, so the server keeps logging (and does not die
        // of SIGPIPE) if this JVM goes away without stopping it
        return new ProcessBuilder(prefix.serverCommand(program)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new StoreException("the embedded PostgreSQL exited with status " + process.exitValue()
                        + " while starting on 127.0.0.1:" + port + " with data in " + settings.dataDir()
                        + "; the end of its log " + logFile + ":\n" + tail(logFile, 25));
            }
            try (Connection ignoredConnection = connect("postgres", 2)) {
                return;
            } catch (SQLException e) {
                last = e; // refused while starting, or 57P03 "the database system is starting up" during recovery
            }
            sleep(25);
        }
        throw new StoreException("the embedded PostgreSQL did not accept connections on 127.0.0.1:" + port + " within "
                + settings.startTimeout().toSeconds() + " s (last error: " + (last == null ? "none" : last.getMessage())
                + "); see " + logFile + ":\n" + tail(logFile, 25));
    }

    private void createDatabaseIfMissing() {
        try (Connection connection = connect("postgres", 10);
                var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (var rows = exists.executeQuery()) {
                if (!rows.next()) {
                    try (var create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + DATABASE);
                    }
                    log.info("created database {}", DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot create the database " + DATABASE + " in the embedded PostgreSQL: "
                    + e.getMessage(), e);
        }
    }

    private Connection connect(String database, int timeoutSeconds) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        properties.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    // ---- shutdown -------------------------------------------------------------------------------

    /**
     * SIGINT is PostgreSQL's fast shutdown (disconnect sessions, checkpoint, exit). Java can only send
     * SIGTERM, which is "smart" shutdown and waits forever for a pool that is still open.
     */
    private static void shutDown(ProcessHandle postmaster, Path dataDir) {
        if (!postmaster.isAlive()) {
            return;
        }
        signal(postmaster, "INT");
        if (!awaitExit(postmaster, SHUTDOWN_TIMEOUT)) {
            log.warn("PostgreSQL (pid {}) did not finish a fast shutdown in {} s; sending immediate shutdown",
                    postmaster.pid(), SHUTDOWN_TIMEOUT.toSeconds());
            signal(postmaster, "QUIT");
            if (!awaitExit(postmaster, Duration.ofSeconds(10))) {
                postmaster.destroyForcibly();
                awaitExit(postmaster, Duration.ofSeconds(5));
            }
        }
        awaitNoProcessesIn(dataDir);
    }

    private static void signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // no kill(1) on PATH: fall back to what Java can send
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        }
    }

    // ---- small things ---------------------------------------------------------------------------

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the embedded PostgreSQL");
        }
    }

    /** The last lines of a log file, read from its end so a large log costs nothing. */
    static String tail(Path file, int lines) {
        try (var raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - 16 * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
