package org.renkei.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.renkei.InputException;
import org.renkei.access.AccessPolicy;
import org.renkei.access.Principal;
import org.renkei.access.ReadPath;
import org.renkei.bus.EventBus;
import org.renkei.http.Authenticator;
import org.renkei.intel.ObjectQuery;
import org.renkei.intel.ObjectStore;
import org.renkei.intel.Scope;
import org.renkei.intel.StoredObject;

/**
 * {@code GET /api/v1/stream}: Server-Sent Events, one {@code stix-object} event for
 * each object version accepted from now on that the caller may see. The event id is
 * the version's date_added in epoch microseconds; a client that reconnects with
 * {@code Last-Event-ID} first gets what it missed, from the store, then the live
 * events, without gaps or repeats. {@code ?types=indicator,malware} narrows the stream.
 *
 * <p>A client too slow to keep up (more than {@link #BUFFER} events behind) is
 * disconnected; its reconnect with Last-Event-ID replays from the store.
 */
final class LiveStream {
    static final int BUFFER = 10_000;
    private static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** How often an open stream re-checks its caller: a revoked token or a changed membership takes effect. */
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private volatile boolean closed;

    private final Authenticator auth;
    private final AccessPolicy policy;
    private final ObjectStore store;
    private final EventBus<StoredObject> bus;
    private final org.renkei.access.TokenService tokens;

    LiveStream(Authenticator auth, org.renkei.access.TokenService tokens, AccessPolicy policy, ObjectStore store,
               EventBus<StoredObject> bus) {
        this.tokens = tokens;
        this.auth = auth;
        this.policy = policy;
        this.store = store;
        this.bus = bus;
    }

    /** Ends every open stream (at shutdown), within a second. */
    void close() {
        closed = true;
    }

    void handle(ServerRequest req, ServerResponse res) {
        java.util.concurrent.atomic.AtomicReference<Principal> caller = new java.util.concurrent.atomic.AtomicReference<>(
                auth.principal(req));
        Principal p = caller.get();
        String lastHeader = req.headers().first(HeaderNames.create("Last-Event-ID"))
                .orElse(req.query().first("last_event_id").orElse(null));
        Long resumeAfter = null;
        if (lastHeader != null && !lastHeader.isBlank()) {
            try {
                resumeAfter = Long.parseLong(lastHeader.trim());
            } catch (NumberFormatException e) {
                throw new InputException("Last-Event-ID", "'" + lastHeader + "' is not an event id of this stream");
            }
        }
        Set<String> types = Set.copyOf(List.of(req.query().first("types").orElse("").split(",")).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
        BlockingQueue<StoredObject> queue = new ArrayBlockingQueue<>(BUFFER);
        AtomicBoolean overflow = new AtomicBoolean();
        AutoCloseable subscription = bus.subscribe(o -> {
            if ((types.isEmpty() || types.contains(o.type())) && policy.maySee(caller.get(), o.visibility(), ReadPath.DIRECT)
                    && !queue.offer(o)) {
                overflow.set(true);
            }
        });
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream;charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        try (OutputStream out = res.outputStream()) {
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            long last = resumeAfter == null ? Long.MIN_VALUE : resumeAfter;
            if (resumeAfter != null) {
                last = replay(p, types, resumeAfter, out);
            }
            long lastWrite = System.nanoTime();
            long checkedEpoch = tokens.epoch();
            long lastCheck = lastWrite;
            while (!overflow.get() && !closed) {
                StoredObject o = queue.poll(1, TimeUnit.SECONDS);
                long now = System.nanoTime();
                long epoch = tokens.epoch();
                if (epoch != checkedEpoch || now - lastCheck > RECHECK_NANOS) {
                    lastCheck = now;
                    checkedEpoch = epoch;
                    try {
                        caller.set(auth.principal(req));
                    } catch (RuntimeException revoked) {
                        return; // the token was revoked or its member removed: end the stream
                    }
                }
                if (o == null) {
                    if (now - lastWrite > KEEPALIVE_NANOS) {
                        out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        lastWrite = now;
                    }
                    continue;
                }
                if (!policy.maySee(caller.get(), o.visibility(), ReadPath.DIRECT)) {
                    continue; // queued before the caller's rights shrank
                }
                if (o.dateAddedUs() > last) {
                    write(out, o);
                    last = o.dateAddedUs();
                    if (queue.isEmpty()) {
                        out.flush();
                        lastWrite = now;
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                subscription.close();
            } catch (Exception ignored) {
                // nothing to release beyond the subscription
            }
        }
    }

    private long replay(Principal p, Set<String> types, long after, OutputStream out) throws IOException {
        long last = after;
        while (true) {
            ObjectQuery q = new ObjectQuery(Scope.ALL, List.of(), List.copyOf(types), ObjectQuery.Versions.ALL,
                    List.of(), last, 1000);
            ObjectStore.Page page = store.query(p, ReadPath.DIRECT, q);
            for (StoredObject o : page.objects()) {
                write(out, o);
                last = o.dateAddedUs();
            }
            out.flush();
            if (!page.more()) {
                return last;
            }
        }
    }

    private static void write(OutputStream out, StoredObject o) throws IOException {
        // the body is compact JSON: it has no newline, so it fits one data line
        out.write(("id: " + o.dateAddedUs() + "\nevent: stix-object\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.write(o.body().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.write('\n');
    }
}
