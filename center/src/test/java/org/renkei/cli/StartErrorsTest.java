package org.renkei.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A center that cannot start says why in one line and exits 1, before it starts anything (the real
 * command, in a child JVM). Before, a port in use gave Helidon's stack trace and a center that
 * claimed to listen on port -1 and kept running.
 */
class StartErrorsTest {

    private static Result serve(Path dir, String host, int port) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.renkei.cli.Main", "serve",
                "--port", String.valueOf(port), "--host", host, "--data", dir.resolve("data").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited; output: %s", out).isTrue();
        return new Result(p.exitValue(), out.strip());
    }

    record Result(int code, String output) {
    }

    @Test
    void aPortInUseIsOneClearLineAndNothingIsStarted(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Result r = serve(dir, "127.0.0.1", taken.getLocalPort());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.output()).isEqualTo("renkei: server.port: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use (another program, or another renkei, has it: stop it or choose another port with --port)");
            assertThat(Files.exists(dir.resolve("data").resolve("postgres"))).as("no store was started").isFalse();
        }
    }

    @Test
    void anUnknownHostIsOneClearLine(@TempDir Path dir) throws Exception {
        Result r = serve(dir, "no-such-host.invalid", 0);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.output()).startsWith("renkei: server.host: cannot listen on no-such-host.invalid:0: ")
                .endsWith("(give --host an address of this machine, e.g. 127.0.0.1 or 0.0.0.0)")
                .doesNotContain("\n").doesNotContain("Exception");
    }
}
