package org.renkei.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stop signal at any moment of {@code renkei demo} (the real command, in a child JVM, on a fresh
 * embedded PostgreSQL) stops the process in order: it exits, leaves no PostgreSQL behind, and logs
 * nothing after "renkei: stopping..." (no broken connections, no error for the work the stop cut
 * short). SIGTERM, as {@link ProcessHandle#destroy()} sends; Ctrl-C's SIGINT runs the same shutdown hooks.
 */
class StopSignalTest {

    @ParameterizedTest(name = "stopped once it printed \"{0}\"")
    @ValueSource(strings = {"starting the embedded PostgreSQL", "starting the HTTP server", "creating demo members", "Press Ctrl-C to stop."})
    void aStopSignalDuringStartUpOrAfterStopsEverythingQuietly(String stopAt, @TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.renkei.cli.Main", "demo",
                "--port", "0", "--host", "127.0.0.1", "--data", data.toString());
        pb.environment().put("RENKEI_DB_EMBEDDED_PORT", String.valueOf(freePort()));
        pb.redirectErrorStream(true);
        Process demo = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch reached = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (line.contains(stopAt)) reached.countDown();
                }
            } catch (java.io.IOException e) {
                lines.add("(reading the output failed: " + e + ")");
            }
        });
        try {
            assertThat(reached.await(120, TimeUnit.SECONDS)).as("the demo printed \"%s\"; its output: %s", stopAt, lines).isTrue();
            demo.toHandle().destroy(); // SIGTERM (Process.destroy() would also close the pipe before its last lines are read)
            assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("the demo exited after the stop signal; its output: %s", lines).isTrue();
        } finally {
            if (demo.isAlive()) demo.destroyForcibly(); // (destroying closes the pipe, whatever is still unread in it)
            reader.join(10_000);
        }
        String output = String.join("\n", lines);
        assertThat(output).contains("renkei: stopping...");
        assertThat(output).as("Helidon's logging set-up is ours (HelidonLogging)").doesNotContain("no Helidon logging implementation");
        // A start in progress finishes its step (its progress and INFO lines may follow), then stops.
        List<String> after = lines.subList(lines.indexOf("renkei: stopping...") + 1, lines.size());
        assertThat(after).as("what the demo printed after the stop signal")
                .allMatch(l -> l.contains(" INFO ") || l.matches("renkei: (starting|creating) .*"));
        assertThat(demo.exitValue()).isEqualTo(143); // 128 + SIGTERM: the JVM's status after a stop signal
        // The store was stopped, not left running in its own session.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (postgresOn(data) && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(postgresOn(data)).as("a PostgreSQL process still runs on " + data).isFalse();
    }

    private static boolean postgresOn(Path data) {
        String dir = data.toString();
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(dir));
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
