package org.renkei.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Acceptance-to-visibility latency: one client holds {@code GET /api/v1/stream} (SSE)
 * open while it POSTs single indicators through TAXII, one every {@code --interval-ms}.
 * For each object it measures, from just before the POST is sent:
 * <ul>
 * <li>{@code post}: until the 202 arrives (the server has validated and queued it);</li>
 * <li>{@code sse}: until the object's event arrives on the stream;</li>
 * <li>{@code taxii}: until {@code GET .../objects/?match[id]=<id>} returns it, polled
 *     every {@code --poll-ms} (5) by a virtual thread per object (so the figure is an upper
 *     bound, coarse by at most the poll interval).</li>
 * </ul>
 */
public final class LatencyBench {
    public static void main(String[] argv) throws Exception {
        BenchSupport.Args a = BenchSupport.Args.parse(argv);
        String base = a.get("base");
        String token = a.get("token");
        String collection = a.get("collection");
        int count = a.integer("count", 500);
        int intervalMs = a.integer("interval-ms", 20);
        int pollMs = a.integer("poll-ms", 5);
        long seed = Long.parseLong(a.get("seed", "7"));
        String label = a.get("label", "latency");
        // "sse" watches the stream only; "taxii" also polls GET for each object. Polling is
        // itself load on the server (hundreds of GETs per second), so run.sh measures the
        // two in separate passes to keep the SSE figure clean.
        String mode = a.get("mode", "sse");
        boolean pollTaxii = mode.equals("taxii");

        IndicatorGenerator gen = new IndicatorGenerator(seed);
        Map<String, Long> seenOnStream = new ConcurrentHashMap<>();
        HttpClient sseHttp = BenchSupport.client();
        CountDownLatch connected = new CountDownLatch(1);
        HttpRequest sseReq = HttpRequest.newBuilder(URI.create(base + "/api/v1/stream?types=indicator"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> sse = sseHttp.send(sseReq, HttpResponse.BodyHandlers.ofLines());
        if (sse.statusCode() != 200) {
            throw new IllegalStateException("the stream answered " + sse.statusCode());
        }
        Thread reader = Thread.ofPlatform().daemon().name("sse-reader").start(() -> {
            Iterator<String> lines = sse.body().iterator();
            try {
                while (lines.hasNext()) {
                    String line = lines.next();
                    long now = System.nanoTime();
                    if (line.startsWith(": connected")) {
                        connected.countDown();
                    } else if (line.startsWith("data: ")) {
                        String id = BenchSupport.stringField(line, "id");
                        if (id != null) {
                            seenOnStream.putIfAbsent(id, now);
                        }
                    }
                }
            } catch (RuntimeException e) {
                // the stream closed at the end of the run
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the stream did not say ': connected' within 10 s");
        }

        HttpClient http = BenchSupport.client();
        String[] ids = new String[count];
        long[] sent = new long[count];
        long[] postNanos = new long[count];
        long[] taxiiNanos = new long[count];
        java.util.Arrays.fill(taxiiNanos, -1);
        BenchSupport.progress(String.format("%s: posting %d single indicators to %s, one every %d ms", label, count,
                collection, intervalMs));
        try (ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor()) {
            long next = System.nanoTime();
            for (int i = 0; i < count; i++) {
                ids[i] = gen.id(i);
                String envelope = gen.envelope(i, 1);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                next += intervalMs * 1_000_000L;
                sent[i] = System.nanoTime();
                BenchSupport.postEnvelope(http, base, collection, token, envelope);
                postNanos[i] = System.nanoTime() - sent[i];
                int k = i;
                if (pollTaxii) pollers.submit(() -> pollUntilVisible(http, base, collection, token, ids[k], sent[k], pollMs, taxiiNanos, k));
            }
        }
        // give the stream a moment for the last events
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (seenOnStream.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        sse.body().close();

        long[] sseNanos = new long[count];
        int sseSeen = 0;
        for (int i = 0; i < count; i++) {
            Long at = seenOnStream.get(ids[i]);
            if (at != null) {
                sseNanos[sseSeen++] = at - sent[i];
            }
        }
        long[] taxiiSeenNanos = new long[count];
        int taxiiSeen = 0;
        for (long t : taxiiNanos) {
            if (t >= 0) {
                taxiiSeenNanos[taxiiSeen++] = t;
            }
        }
        report(label + "_post", BenchSupport.sortedMillis(postNanos, count), count, count);
        report(label + "_sse", BenchSupport.sortedMillis(sseNanos, sseSeen), sseSeen, count);
        if (pollTaxii) {
            report(label + "_taxii", BenchSupport.sortedMillis(taxiiSeenNanos, taxiiSeen), taxiiSeen, count);
        }
        reader.interrupt();
    }

    private static void pollUntilVisible(HttpClient http, String base, String collection, String token, String id,
                                         long sent, int pollMs, long[] out, int k) {
        HttpRequest req = BenchSupport.request(base, "/taxii2/api1/collections/" + collection
                + "/objects/?match%5Bid%5D=" + id, token).GET().build();
        long give_up = sent + TimeUnit.SECONDS.toNanos(10);
        try {
            while (System.nanoTime() < give_up) {
                HttpResponse<String> res = BenchSupport.send(http, req);
                if (res.statusCode() == 200 && res.body().contains(id)) {
                    out[k] = System.nanoTime() - sent;
                    return;
                }
                Thread.sleep(Duration.ofMillis(pollMs));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void report(String label, double[] ms, int seen, int count) {
        BenchSupport.progress(String.format("%s: %d/%d seen; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", label,
                seen, count, BenchSupport.percentile(ms, 50), BenchSupport.percentile(ms, 90),
                BenchSupport.percentile(ms, 99), seen == 0 ? Double.NaN : ms[seen - 1]));
        BenchSupport.result(label, "seen", seen, "of", count, "p50_ms", BenchSupport.fmt(BenchSupport.percentile(ms, 50)),
                "p90_ms", BenchSupport.fmt(BenchSupport.percentile(ms, 90)),
                "p99_ms", BenchSupport.fmt(BenchSupport.percentile(ms, 99)),
                "max_ms", BenchSupport.fmt(seen == 0 ? Double.NaN : ms[seen - 1]));
    }
}
