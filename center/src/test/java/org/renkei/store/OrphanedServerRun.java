package org.renkei.store;

import java.nio.file.Path;

/**
 * A stand-in for a center (or test) process, run in a child JVM by the tests so that they can
 * kill it with SIGKILL, as a crash or the OOM killer would, or let it exit normally.
 *
 * <p>Arguments: {@code server DATA_DIR PORT wait|exit} starts an {@link EmbeddedPostgresServer};
 * {@code shared wait} starts the test suite's JVM-wide embedded server. It prints
 * {@code READY <postmaster pid> <data dir>} and then waits to be killed, or exits without closing
 * anything.
 */
public final class OrphanedServerRun {
    public static void main(String[] args) throws Exception {
        EmbeddedPostgresServer server = switch (args[0]) {
            case "server" -> EmbeddedPostgresServer.start(Path.of(args[1]), Integer.parseInt(args[2]));
            case "shared" -> PostgresFlavour.SharedEmbedded.server();
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println("READY " + server.pid() + " " + server.dataDir());
        System.out.flush();
        if (args[args.length - 1].equals("wait")) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private OrphanedServerRun() {
    }
}
