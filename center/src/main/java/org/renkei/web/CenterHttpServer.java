package org.renkei.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.renkei.NotFoundException;
import org.renkei.access.AccessPolicy;
import org.renkei.access.MemberDirectory;
import org.renkei.access.TokenService;
import org.renkei.bus.EventBus;
import org.renkei.http.Authenticator;
import org.renkei.http.ErrorBodies;
import org.renkei.http.HttpStatusException;
import org.renkei.intel.Ingestor;
import org.renkei.intel.ObjectStore;
import org.renkei.intel.ObservationStore;
import org.renkei.intel.StoredObject;
import org.renkei.share.taxii.TaxiiApi;
import org.renkei.store.Database;

/**
 * The center's one HTTP server: TAXII under {@code /taxii2/}, the REST API under
 * {@code /api/v1/} (with its OpenAPI document at {@code /api/v1/openapi.json}), the
 * live stream, {@code /health} and Prometheus {@code /metrics}.
 */
public final class CenterHttpServer implements AutoCloseable {
    private final WebServer server;
    private final LiveStream stream;

    private CenterHttpServer(WebServer server, LiveStream stream) {
        this.server = server;
        this.stream = stream;
    }

    public static CenterHttpServer start(String host, int port, MemberDirectory members, TokenService tokens,
                                         AccessPolicy policy, ObjectStore store, Ingestor ingestor,
                                         EventBus<StoredObject> bus, byte[] pageKey, TaxiiApi.TaxiiSettings taxii,
                                         PrometheusMeterRegistry metrics, Database db) {
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        Authenticator auth = new Authenticator(tokens);
        TaxiiApi taxiiApi = new TaxiiApi(members, store, ingestor, auth, pageKey, taxii);
        LiveStream stream = new LiveStream(auth, tokens, policy, store, bus);
        byte[] openApi = resource("/openapi.json");
        RouteTable routes = RouteTable.fromOpenApi(openApi);
        Map<String, Timer> timers = new ConcurrentHashMap<>();
        HttpRouting.Builder routing = HttpRouting.builder()
                .addFilter((chain, req, res) -> {
                    Timer.Sample sample = Timer.start(metrics);
                    try {
                        chain.proceed();
                    } finally {
                        String p = req.path().absolute().path();
                        String area = p.startsWith("/taxii2") ? "taxii" : p.startsWith("/api/v1/stream") ? "stream"
                                : p.startsWith("/api/") ? "rest" : "other";
                        String method = req.prologue().method().text();
                        int status = res.status().code();
                        // one registry lookup per kind of request, not per request
                        sample.stop(timers.computeIfAbsent(area + ' ' + method + ' ' + status,
                                k -> metrics.timer("renkei.http.requests", "area", area, "method", method,
                                        "status", String.valueOf(status))));
                    }
                })
                .register("/taxii2", taxiiApi)
                .get("/api/v1/stream", stream::handle)
                .get("/api/v1/openapi.json", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(openApi);
                })
                .register("/api/v1", new MembersApi(members, tokens, auth))
                .register("/api/v1", new ObjectsApi(auth, policy, store, ingestor, taxii.maxContentLength()))
                .register("/api/v1", new ObservationsApi(auth, new ObservationStore(db.jdbi()), metrics))
                .get("/health", (req, res) -> {
                    boolean up = db.jdbi().withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one()) == 1;
                    res.status(up ? 200 : 503);
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(("{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}").getBytes(StandardCharsets.UTF_8));
                })
                .get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
                })
                .any((req, res) -> {
                    Set<String> allowed = routes.methodsFor(req.path().absolute().path());
                    if (!allowed.isEmpty()) {
                        throw HttpStatusException.methodNotAllowed(req.prologue().method().text(), allowed);
                    }
                    throw new NotFoundException("nothing at " + req.path().absolute().path() + "; the API is under /api/v1/ "
                            + "(see /api/v1/openapi.json) and TAXII under /taxii2/");
                })
                .error(Throwable.class, ErrorBodies::handle);
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                // TAXII filters are named match[type] etc., and clients (curl -g, wrk, many TAXII
                // libraries) send the brackets unencoded; Helidon's strict path check would answer
                // those with an empty 400. Our handlers validate every parameter themselves.
                //
                // No "Connection: keep-alive" (it is HTTP/1.1's default): Helidon copies a response into
                // a buffer of 256 bytes plus the entity, and with that header a TAXII page's head
                // (status, type, date, the two X-TAXII dates, length) was just over 256 bytes, so every
                // page was copied twice.
                .addProtocol(Http1Config.builder().validatePath(false).validatePrologue(false)
                        .sendKeepAliveHeader(false).build())
                // a TAXII page is tens of kilobytes: without TCP_NODELAY its last segment waits for
                // the client's delayed ACK, ~40 ms a response (measured: 1,100 vs 59,000 req/s)
                .connectionOptions(o -> o.tcpNoDelay(true))
                // the output streams' buffer: small, since a stream copies a write smaller than it into it
                // (TaxiiApi.sendLarge writes cached pages of tens of kilobytes through one uncopied), and
                // every stream allocates one; the live stream flushes its events itself
                .writeBufferSize(TaxiiApi.MAX_WRITE_BUFFER)
                // Blocking java.net sockets, not Helidon's NIO socket: the NIO one writes every response
                // through a fixed 8 KB heap buffer, so a 64 KB TAXII page left in 8 write calls, each
                // copied twice more (into that buffer, then into a direct one). Measured with perf stat
                // under wrk on a cached page: 8.3-9.2 write calls per request with NIO, 0.7-1.1 without.
                // The JDK's socket output stream hands the whole array to one write.
                .useNio(false)
                .routing(routing)
                .build()
                .start();
        if (!server.isRunning() || server.port() < 0) { // Helidon logs why and returns a stopped server
            server.stop();
            throw new IllegalStateException("the HTTP server did not start on " + host + ":" + port + " (the log above says why)");
        }
        return new CenterHttpServer(server, stream);
    }

    /**
     * Whether {@code host:port} can be listened on, checked by {@code Center.start} before anything
     * starts (Helidon, for a port in use, logs a stack trace and returns a stopped server): a clear
     * error naming the address and what to do. A port taken between this check and the server's
     * start is still caught after it, in {@link #start}.
     */
    public static void checkCanListen(String host, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.net.BindException e) {
            throw new org.renkei.InputException("server.port", "cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + " (another program, or another renkei, has it: stop it or choose another port with --port)");
        } catch (IOException | RuntimeException e) {
            throw new org.renkei.InputException("server.host", "cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + " (give --host an address of this machine, e.g. 127.0.0.1 or 0.0.0.0)");
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = CenterHttpServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the build lost the resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        stream.close();
        server.stop();
    }
}
