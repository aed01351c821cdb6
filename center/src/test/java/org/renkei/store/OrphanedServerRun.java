package org.renkei.store;

import java.nio.file.Path;

/**
 * A stand-in for a center process: starts the embedded server, says so, and waits to be killed.
 * {@link EmbeddedPostgresServerTest} runs it in a child JVM and kills that JVM with SIGKILL, which
 * leaves the server orphaned exactly as a crashed or OOM-killed center would.
 */
public final class OrphanedServerRun {
    public static void main(String[] args) throws Exception {
        var server = EmbeddedPostgresServer.start(Path.of(args[0]), Integer.parseInt(args[1]));
        System.out.println("READY " + server.pid() + " " + server.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private OrphanedServerRun() {
    }
}
