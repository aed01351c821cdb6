package org.renkei.center;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.renkei.access.AccessPolicy;
import org.renkei.access.IssuedToken;
import org.renkei.access.Member;
import org.renkei.access.MemberDirectory;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Role;
import org.renkei.access.TokenService;
import org.renkei.http.Json;
import org.renkei.intel.Ingestor;
import org.renkei.intel.ObjectChecks;
import org.renkei.intel.ObjectStore;
import org.renkei.intel.StoreFeed;
import org.renkei.intel.StoreVersion;
import org.renkei.share.taxii.TaxiiApi;
import org.renkei.store.Database;
import org.renkei.store.DatabaseSettings;
import org.renkei.store.EmbeddedPostgresServer;
import org.renkei.store.EmbeddedPostgresSettings;
import org.renkei.web.CenterHttpServer;

/**
 * A running center: store, domain services, HTTP server. {@link #start} brings them
 * up in order and {@link #close} takes them down in reverse.
 */
public final class Center implements AutoCloseable {
    public static final String ADMIN_TOKEN_ENV = "RENKEI_ADMIN_TOKEN";

    private final EmbeddedPostgresServer embedded;
    private final Database database;
    private final MemberDirectory members;
    private final TokenService tokens;
    private final ObjectStore store;
    private final StoreVersion storeVersion;
    private final StoreFeed feed;
    private final Ingestor ingestor;
    private final CenterHttpServer http;
    private final Member centerMember;
    private final IssuedToken bootstrapToken;
    private final boolean ownsDatabase;

    private Center(EmbeddedPostgresServer embedded, Database database, MemberDirectory members, TokenService tokens,
                   ObjectStore store, StoreVersion storeVersion, StoreFeed feed, Ingestor ingestor,
                   CenterHttpServer http,
                   Member centerMember,
                   IssuedToken bootstrapToken, boolean ownsDatabase) {
        this.ownsDatabase = ownsDatabase;
        this.embedded = embedded;
        this.database = database;
        this.members = members;
        this.tokens = tokens;
        this.store = store;
        this.storeVersion = storeVersion;
        this.feed = feed;
        this.ingestor = ingestor;
        this.http = http;
        this.centerMember = centerMember;
        this.bootstrapToken = bootstrapToken;
    }

    /**
     * Starts a center.
     *
     * @param adminToken the administrator token to register on first start (from
     *                   {@value #ADMIN_TOKEN_ENV}); null to generate one
     * @param progress   receives one line per start-up step
     * @param closedOnExit whether the caller closes this center from a shutdown hook of its own
     *                   (see {@code org.renkei.cli.CenterProcess}): the embedded store's hook then
     *                   waits (up to {@link #OWNER_GRACE}) for that close, so that the store stops
     *                   after everything that uses it, from the moment it runs
     */
    public static Center start(CenterConfig cfg, String adminToken, Consumer<String> progress, boolean closedOnExit) {
        // before the store starts: a port in use is the commonest start-up error, and cheap to find
        CenterHttpServer.checkCanListen(cfg.get("server.host"), cfg.port());
        EmbeddedPostgresServer embedded = null;
        Database db = null;
        try {
            if (cfg.dbUrl() == null || cfg.dbUrl().isBlank()) {
                var dir = cfg.dataDir().resolve("postgres").toAbsolutePath().normalize();
                progress.accept("starting the embedded PostgreSQL in " + dir + " (port "
                        + cfg.get("db.embedded-port") + ")...");
                embedded = EmbeddedPostgresServer.start(embeddedSettings(cfg, dir), closedOnExit ? OWNER_GRACE : Duration.ZERO);
                db = Database.open(embedded);
            } else {
                progress.accept("connecting to " + cfg.dbUrl() + "...");
                DatabaseSettings s = DatabaseSettings.of(cfg.dbUrl());
                if (cfg.get("db.user") != null) {
                    s = s.withCredentials(cfg.get("db.user"), cfg.get("db.password"));
                }
                db = Database.open(s);
            }
            return assemble(cfg, embedded, db, adminToken, progress, true);
        } catch (RuntimeException e) {
            if (db != null) {
                db.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** The embedded store's settings from {@code db.embedded-*}. */
    static EmbeddedPostgresSettings embeddedSettings(CenterConfig cfg, java.nio.file.Path dir) {
        try {
            return EmbeddedPostgresSettings.of(dir).withPort(cfg.integer("db.embedded-port"))
                    .withDataChecksums(cfg.bool("db.embedded-checksums"))
                    .withServerSettings(EmbeddedPostgresSettings.parseServerSettings(cfg.get("db.embedded-settings")));
        } catch (IllegalArgumentException e) {
            throw new org.renkei.InputException("db.embedded-settings", e.getMessage());
        }
    }

    /** Starts a center on a database that is already open (tests; the caller owns the database). */
    public static Center start(CenterConfig cfg, Database db, String adminToken) {
        CenterHttpServer.checkCanListen(cfg.get("server.host"), cfg.port());
        return assemble(cfg, null, db, adminToken, line -> { }, false);
    }

    private static Center assemble(CenterConfig cfg, EmbeddedPostgresServer embedded, Database db, String adminToken,
                                   Consumer<String> progress, boolean ownsDatabase) {
        Jdbi jdbi = db.jdbi();
        MemberDirectory members = new MemberDirectory(jdbi);
        TokenService tokens = new TokenService(jdbi, members);
        Member center = members.center().orElseGet(() -> members.create(new MemberInput(cfg.get("center.name"),
                MemberType.CENTER, null, false, List.of(), List.of(), 1.0, false)));
        IssuedToken bootstrap = null;
        boolean hasAdmin = jdbi.withHandle(h -> h.createQuery(
                "select count(*) from api_token where role = 'admin' and revoked is null").mapTo(Long.class).one()) > 0;
        if (!hasAdmin) {
            bootstrap = adminToken == null || adminToken.isBlank()
                    ? tokens.issue(center.id(), Role.ADMIN, "first administrator")
                    : tokens.register(center.id(), Role.ADMIN, "first administrator (" + ADMIN_TOKEN_ENV + ")", adminToken);
        }
        AccessPolicy policy = new AccessPolicy();
        StoreVersion version = StoreVersion.listening(db);
        StoreFeed feed = new StoreFeed(jdbi, version);
        ObjectStore store = new ObjectStore(jdbi, policy, version);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Ingestor ingestor = new Ingestor(jdbi, version, members, new ObjectChecks(), center, Json.MAPPER);
        var taxii = new TaxiiApi.TaxiiSettings(cfg.get("taxii.title"),
                "The " + cfg.get("center.name") + " cyber information sharing center (STIX 2.1 over TAXII 2.1).",
                cfg.get("taxii.contact"), cfg.longValue("taxii.max-content-length"), cfg.integer("taxii.page-size"),
                cfg.integer("taxii.max-page-size"));
        progress.accept("starting the HTTP server on " + cfg.get("server.host") + ":" + cfg.port() + "...");
        CenterHttpServer http;
        try {
            http = CenterHttpServer.start(cfg.get("server.host"), cfg.port(), members, tokens, policy,
                    store, ingestor, feed, serverSecret(jdbi, "taxii-page-key"), taxii, metrics, db);
        } catch (RuntimeException e) { // e.g. the port is taken: what runs on the store stops before it is closed
            stopStoreWork(ingestor, feed, version);
            throw e;
        }
        return new Center(embedded, db, members, tokens, store, version, feed, ingestor, http, center, bootstrap, ownsDatabase);
    }

    /** Stops, in this order, what works on the store: the ingestor's queue, the live feed, the version listener. */
    private static void stopStoreWork(Ingestor ingestor, StoreFeed feed, StoreVersion version) {
        try {
            ingestor.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.close();
        version.close();
    }

    /** A random key shared by every process of this center, made on first use. */
    private static byte[] serverSecret(Jdbi jdbi, String name) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return jdbi.inTransaction(h -> {
            h.createUpdate("insert into server_secret (name, value) values (:n, :v) on conflict do nothing")
                    .bind("n", name).bind("v", fresh).execute();
            return h.createQuery("select value from server_secret where name = :n").bind("n", name)
                    .mapTo(byte[].class).one();
        });
    }

    public int port() {
        return http.port();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The administrator token created by this start, when the store had none. */
    public Optional<IssuedToken> bootstrapToken() {
        return Optional.ofNullable(bootstrapToken);
    }

    public Member centerMember() {
        return centerMember;
    }

    public MemberDirectory members() {
        return members;
    }

    public TokenService tokens() {
        return tokens;
    }

    public ObjectStore store() {
        return store;
    }

    public Ingestor ingestor() {
        return ingestor;
    }

    public Database database() {
        return database;
    }

    /** How long the embedded store's shutdown hook waits for a center started with {@code closedOnExit} to close. */
    public static final Duration OWNER_GRACE = Duration.ofSeconds(30);

    @Override
    public void close() {
        http.close();
        stopStoreWork(ingestor, feed, storeVersion);
        if (ownsDatabase) {
            database.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
