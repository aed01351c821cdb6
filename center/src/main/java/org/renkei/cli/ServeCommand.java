package org.renkei.cli;

import java.util.concurrent.Callable;
import org.renkei.center.Center;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code renkei serve}: runs the center until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the sharing center: TAXII 2.1 at /taxii2/, REST at /api/v1/, live stream, metrics.",
                "With no --db it starts its own PostgreSQL in the data directory."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options = new ServerOptions();

    @Override
    public Integer call() throws Exception {
        CenterProcess.run(options.config(), ServeCommand::announce);
        return 0;
    }

    static void announce(Center center) {
        System.out.println("Renkei center listening on " + center.uri());
        center.bootstrapToken().ifPresent(t -> {
            if (System.getenv(Center.ADMIN_TOKEN_ENV) == null) {
                System.out.println();
                System.out.println("First start: an administrator token was created. It is shown only now:");
                System.out.println();
                System.out.println("    " + t.token());
                System.out.println();
                System.out.println("Keep it safe (a password manager). Set RENKEI_ADMIN_TOKEN before the first start to choose it.");
            } else {
                System.out.println("First start: the administrator token from RENKEI_ADMIN_TOKEN was registered.");
            }
        });
    }
}
