package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {
    @TempDir
    Path temp;

    @Test
    void startsAsTheCurrentUserEvenRootAndCreatesTheRenkeiDatabase() throws Exception {
        try (var server = EmbeddedPostgresServer.start(temp.resolve("pg"), 0)) {
            assertThat(server.isRunning()).isTrue();
            assertThat(query(server, "SELECT current_database()")).isEqualTo("renkei");
            assertThat(query(server, "SELECT current_setting('server_version_num')")).startsWith("18");
            assertThat(Files.getPosixFilePermissions(server.dataDir()))
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat((Integer) Files.getAttribute(server.dataDir(), "unix:uid")).isEqualTo(LaunchPrefix.effectiveUid());
            assertThat(server.logFile()).isEqualTo(temp.resolve("pg.log"));
            assertThat(Files.readString(server.logFile())).contains("ready to accept connections");
        }
    }

    @Test
    void runsWithFsyncSynchronousCommitAndFullPageWritesOnListeningOnLoopbackOnly() throws Exception {
        try (var server = EmbeddedPostgresServer.start(temp.resolve("pg"), 0)) {
            assertThat(query(server, "SHOW fsync")).isEqualTo("on");
            assertThat(query(server, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(query(server, "SHOW full_page_writes")).isEqualTo("on");
            assertThat(query(server, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            // ALTER SYSTEM lands in postgresql.auto.conf, which our command-line settings outrank
            execute(server, "ALTER SYSTEM SET fsync = off");
            execute(server, "SELECT pg_reload_conf()");
            Thread.sleep(200);
            assertThat(query(server, "SHOW fsync")).isEqualTo("on");
        }
    }

    @Test
    void runsWithRareCheckpointsSizedSharedBuffersChecksumsAndTheExtraSettingsWhichWin() throws Exception {
        var settings = EmbeddedPostgresSettings.of(temp.resolve("pg")).withPort(0)
                .withServerSettings(EmbeddedPostgresSettings.parseServerSettings("work_mem=7MB,checkpoint_timeout=20min"));
        try (var server = EmbeddedPostgresServer.start(settings)) {
            assertThat(query(server, "SHOW max_wal_size")).isEqualTo("4GB");
            assertThat(query(server, "SHOW checkpoint_timeout")).isEqualTo("20min");
            assertThat(query(server, "SHOW work_mem")).isEqualTo("7MB");
            assertThat(query(server, "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'"))
                    .isEqualTo(EmbeddedPostgresSettings.defaultServerSettings().get("shared_buffers").replace("MB", ""));
            assertThat(query(server, "SHOW data_checksums")).isEqualTo("on");
            assertThat(query(server, "SHOW fsync")).isEqualTo("on");
            assertThat(query(server, "SHOW synchronous_commit")).isEqualTo("on");
        }
    }

    @Test
    void dataChecksumsCanBeLeftOffAtInitdb() throws Exception {
        var settings = EmbeddedPostgresSettings.of(temp.resolve("pg")).withPort(0).withDataChecksums(false);
        try (var server = EmbeddedPostgresServer.start(settings)) {
            assertThat(query(server, "SHOW data_checksums")).isEqualTo("off");
        }
    }

    @Test
    void keepsCommittedDataAcrossACleanRestartOnTheSamePort() throws Exception {
        int port = freePort();
        Path dataDir = temp.resolve("pg");
        try (var server = EmbeddedPostgresServer.start(dataDir, port)) {
            execute(server, "CREATE TABLE kept (v text)");
            execute(server, "INSERT INTO kept VALUES ('survives')");
        }
        assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
        try (var server = EmbeddedPostgresServer.start(dataDir, port)) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(query(server, "SELECT v FROM kept")).isEqualTo("survives");
        }
    }

    @Test
    void recoversWhenThePostmasterWasKilledHardLeavingAStalePidFile() throws Exception {
        Path dataDir = temp.resolve("pg");
        var first = EmbeddedPostgresServer.start(dataDir, 0);
        execute(first, "CREATE TABLE kept (v text)");
        execute(first, "INSERT INTO kept VALUES ('committed before the crash')");
        ProcessHandle postmaster = ProcessHandle.of(first.pid()).orElseThrow();
        postmaster.destroyForcibly(); // SIGKILL: no shutdown checkpoint, postmaster.pid stays
        postmaster.onExit().get(10, TimeUnit.SECONDS);
        assertThat(dataDir.resolve("postmaster.pid")).exists();
        try (var second = EmbeddedPostgresServer.start(dataDir, 0)) {
            assertThat(query(second, "SELECT v FROM kept")).isEqualTo("committed before the crash");
        } finally {
            first.close(); // already dead: must be a harmless no-op
        }
        assertThat(Files.readString(temp.resolve("pg.log"))).contains("was not properly shut down");
    }

    @Test
    void replacesAServerOrphanedByAJvmThatWasKilledHardEvenOnItsOwnPort() throws Exception {
        Path dataDir = temp.resolve("pg");
        int port = freePort();
        Process child = childJvm("server", dataDir.toString(), Integer.toString(port), "wait");
        long orphanPid;
        try {
            orphanPid = awaitReadyLine(child);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL the "center"
        }
        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        assertThat(orphan.isAlive()).as("the server outlives its killed JVM").isTrue();

        try (var server = EmbeddedPostgresServer.start(dataDir, port)) {
            assertThat(orphan.isAlive()).as("the orphan was shut down").isFalse();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.pid()).isNotEqualTo(orphanPid);
            assertThat(query(server, "SELECT current_database()")).isEqualTo("renkei");
        } finally {
            if (orphan.isAlive()) {
                orphan.destroyForcibly();
            }
        }
    }

    @Test
    void stopsTheServerWhenTheJvmExitsWithoutClosingIt() throws Exception {
        Path dataDir = temp.resolve("pg");
        Process child = childJvm("server", dataDir.toString(), "0", "exit");
        long postmaster = awaitReadyLine(child);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(dataDir.resolve("postmaster.pid")).as("a clean shutdown removes it").doesNotExist();
    }

    @Test
    void sweepsSharedTestServersLeftByKilledTestJvms() throws Exception {
        Process child = childJvm("shared", "wait");
        long orphanPid;
        try {
            orphanPid = awaitReadyLine(child);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Path root = ProcessHandle.of(orphanPid).isPresent()
                ? Files.readSymbolicLink(Path.of("/proc", Long.toString(orphanPid), "cwd")).getParent() : null;
        assertThat(root).isNotNull();
        PostgresFlavour.SharedEmbedded.sweepOrphans();
        assertThat(ProcessHandle.of(orphanPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(root).doesNotExist();
        // this JVM's own shared server, if started, is supervised by a live JVM and left alone
    }

    @Test
    void refusesADataDirectoryThatALiveJvmStillSupervises() {
        Path dataDir = temp.resolve("pg");
        try (var first = EmbeddedPostgresServer.start(dataDir, 0)) {
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, 0))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("is in use by a PostgreSQL server")
                    .hasMessageContaining("this JVM");
            assertThat(first.isRunning()).isTrue();
        }
    }

    @Test
    void explainsAPortThatIsAlreadyInUse() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(temp.resolve("pg"), port))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is already in use")
                    .hasMessageContaining("configure another port");
        }
    }

    @Test
    void stopsOnCloseAndReleasesThePort() throws Exception {
        var server = EmbeddedPostgresServer.start(temp.resolve("pg"), 0);
        server.close();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.dataDir().resolve("postmaster.pid")).doesNotExist();
        try (var again = new ServerSocket(server.port(), 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.isBound()).isTrue();
        }
        server.close(); // idempotent
    }

    @Test
    void refusesToInitialiseANonEmptyDirectoryThatIsNotAPostgresDataDirectory() throws Exception {
        Path dataDir = Files.createDirectories(temp.resolve("pg"));
        Files.writeString(dataDir.resolve("precious.txt"), "not ours");
        assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, 0))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not empty and is not a PostgreSQL data directory");
        assertThat(dataDir.resolve("precious.txt")).exists();
    }

    @Test
    void refusesADataDirectoryFromAnotherPostgresMajorVersion() throws Exception {
        Path dataDir = Files.createDirectories(temp.resolve("pg"));
        Files.writeString(dataDir.resolve("PG_VERSION"), "15\n");
        assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, 0))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("made by PostgreSQL 15")
                .hasMessageContaining("pg_upgrade");
    }

    @Test
    void neverLetsDurabilityBeTurnedOff() {
        var settings = EmbeddedPostgresSettings.of(temp.resolve("pg"));
        assertThatThrownBy(() -> settings.withServerSetting("fsync", "off"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("always on");
        assertThatThrownBy(() -> settings.withServerSetting("Synchronous_Commit", "off"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(settings.port()).isEqualTo(EmbeddedPostgresSettings.DEFAULT_PORT);
    }

    @Test
    void appliesExtraServerSettings() throws Exception {
        var settings = EmbeddedPostgresSettings.of(temp.resolve("pg")).withPort(0)
                .withServerSetting("max_connections", "42");
        try (var server = EmbeddedPostgresServer.start(settings)) {
            assertThat(query(server, "SHOW max_connections")).isEqualTo("42");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static Process childJvm(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        var command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                OrphanedServerRun.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static long awaitReadyLine(Process child) throws Exception {
        var output = new ArrayList<String>();
        var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; System.nanoTime() < deadline && (line = reader.readLine()) != null; ) {
            output.add(line);
            if (line.startsWith("READY ")) {
                return Long.parseLong(line.split(" ")[1]);
            }
        }
        throw new AssertionError("child JVM never reported READY:\n" + String.join("\n", output));
    }

    static String query(EmbeddedPostgresServer server, String sql) throws SQLException {
        try (Connection c = connect(server); var s = c.createStatement(); var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static void execute(EmbeddedPostgresServer server, String sql) throws SQLException {
        try (Connection c = connect(server); var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect(EmbeddedPostgresServer server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), server.user(), null);
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
