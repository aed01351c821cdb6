package org.renkei.cli;

import java.nio.file.Path;
import org.renkei.center.CenterConfig;
import picocli.CommandLine.Option;

/** The options serve and demo share; each overrides the config file and environment. */
final class ServerOptions {
    @Option(names = "--port", description = "HTTP port (default 8080; 0 picks a free one). Key server.port.")
    Integer port;

    @Option(names = "--host", description = "address to listen on (default 0.0.0.0). Key server.host.")
    String host;

    @Option(names = "--data", description = "directory of the embedded store (default ./data). Key data.dir.")
    Path data;

    @Option(names = "--db", description = "use this PostgreSQL instead of the embedded store, e.g. "
            + "jdbc:postgresql://127.0.0.1:5432/renkei. Key db.url.")
    String db;

    @Option(names = "--db-user", description = "PostgreSQL user for --db. Key db.user.")
    String dbUser;

    @Option(names = "--config", description = "config file (default ./renkei.properties if it exists; "
            + "renkei.example.properties documents every key)")
    Path config;

    CenterConfig config() {
        Path file = config != null ? config : Path.of("renkei.properties");
        if (config != null && !java.nio.file.Files.isRegularFile(config)) {
            throw new IllegalArgumentException("the config file " + config + " does not exist");
        }
        CenterConfig c = CenterConfig.load(file, System.getenv());
        if (port != null) {
            c = c.with("server.port", port.toString());
        }
        if (host != null) {
            c = c.with("server.host", host);
        }
        if (data != null) {
            c = c.with("data.dir", data.toString());
        }
        if (db != null) {
            c = c.with("db.url", db);
        }
        if (dbUser != null) {
            c = c.with("db.user", dbUser);
        }
        return c;
    }
}
