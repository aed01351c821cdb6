package org.renkei.bench;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Ingest throughput through TAXII POST: N distinct indicators in envelopes of
 * {@code --batch} objects over {@code --connections} concurrent connections, then the
 * status resources polled until every one is complete. The figure is objects per
 * second from the first POST to the moment the last status was seen complete; since
 * "complete" means committed (the Ingestor marks it in the same transaction), this is
 * the durable ingest rate, not the rate at which 202s come back.
 *
 * <p>A window ({@code --window} envelopes not yet complete) bounds what the server
 * holds in its in-memory queue, as a well-behaved client would; it is large enough
 * that the single writer never waits for the client.
 *
 * <pre>
 * java -cp ... org.renkei.bench.IngestBench --base http://127.0.0.1:PORT --token T --collection member-ID
 *      --count 200000 [--batch 5000] [--connections 4] [--window 16] [--seed 1] [--first 0] [--poll-ms 50] [--label embedded]
 * </pre>
 */
public final class IngestBench {
    public static void main(String[] argv) throws Exception {
        BenchSupport.Args a = BenchSupport.Args.parse(argv);
        String base = a.get("base");
        String token = a.get("token");
        String collection = a.get("collection");
        int count = a.integer("count", 200_000);
        int batch = a.integer("batch", 5_000);
        int connections = a.integer("connections", 4);
        int window = a.integer("window", 16);
        long seed = Long.parseLong(a.get("seed", "1"));
        long first = Long.parseLong(a.get("first", "0"));
        String label = a.get("label", "ingest");
        int pollMs = a.integer("poll-ms", 50);
        // Pre-generating keeps the client's JSON building out of the timed section; for
        // multi-hundred-MB loads we build each envelope just before sending instead.
        boolean pregenerate = Boolean.parseBoolean(a.get("pregenerate", String.valueOf(count <= 300_000)));

        IndicatorGenerator gen = new IndicatorGenerator(seed);
        int envelopes = (count + batch - 1) / batch;
        String[] bodies = new String[envelopes];
        if (pregenerate) {
            long t = System.nanoTime();
            for (int e = 0; e < envelopes; e++) {
                bodies[e] = gen.envelope(first + (long) e * batch, Math.min(batch, count - e * batch));
            }
            BenchSupport.progress(String.format("%s: generated %,d indicators in %d envelopes (%,d MB) in %.1f s", label,
                    count, envelopes, sumLength(bodies) >> 20, (System.nanoTime() - t) / 1e9));
        }

        long cpuAtStart = cpuNanos();
        HttpClient http = BenchSupport.client();
        AtomicReferenceArray<String> statusIds = new AtomicReferenceArray<>(envelopes);
        AtomicInteger nextEnvelope = new AtomicInteger();
        Semaphore inFlight = new Semaphore(window);
        AtomicLong lastAccepted = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            senders.add(Thread.ofPlatform().name("sender-" + c).start(() -> {
                int e;
                while ((e = nextEnvelope.getAndIncrement()) < envelopes) {
                    inFlight.acquireUninterruptibly();
                    String body = bodies[e] != null ? bodies[e]
                            : gen.envelope(first + (long) e * batch, Math.min(batch, count - e * batch));
                    bodies[e] = null; // let it go once sent
                    statusIds.set(e, BenchSupport.postEnvelope(http, base, collection, token, body));
                    lastAccepted.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }));
        }

        // Statuses complete in roughly the order the writer took them: walk them in
        // order, polling only the oldest that is not complete yet.
        long succeeded = 0;
        long failed = 0;
        String firstFailure = null;
        long lastReport = start;
        long done = 0;
        for (int e = 0; e < envelopes; e++) {
            String id;
            while ((id = statusIds.get(e)) == null) {
                Thread.sleep(1);
            }
            while (true) {
                HttpResponse<String> res = BenchSupport.send(http,
                        BenchSupport.request(base, "/taxii2/api1/status/" + id + "/", token).GET().build());
                if (res.statusCode() != 200) {
                    throw new IllegalStateException("status " + id + " answered " + res.statusCode() + ": "
                            + BenchSupport.abbreviate(res.body()));
                }
                String body = res.body();
                if ("complete".equals(BenchSupport.stringField(body, "status"))) {
                    succeeded += BenchSupport.longField(body, "success_count");
                    long f = BenchSupport.longField(body, "failure_count");
                    failed += f;
                    if (f > 0 && firstFailure == null) {
                        int i = body.indexOf("\"failures\":");
                        firstFailure = BenchSupport.abbreviate(body.substring(i));
                    }
                    break;
                }
                // Each status read costs the server a parse and re-serialisation of up to
                // --batch entries (see the profile in bench/center/README.md): poll gently so
                // the client does not eat the CPU it is measuring. Worst-case error: one interval.
                Thread.sleep(pollMs);
            }
            inFlight.release();
            done += Math.min(batch, count - (long) e * batch);
            long now = System.nanoTime();
            if (now - lastReport > 5_000_000_000L) {
                lastReport = now;
                BenchSupport.progress(String.format("%s: %,d / %,d complete, %,.0f objects/s so far", label, done, count,
                        done / ((now - start) / 1e9)));
            }
        }
        long end = System.nanoTime();
        for (Thread t : senders) {
            t.join();
        }
        double seconds = (end - start) / 1e9;
        // the client shares the cores with the server: say what it took (generation excluded)
        double clientCpu = (cpuNanos() - cpuAtStart) / 1e9;
        double acceptSeconds = (lastAccepted.get() - start) / 1e9;
        if (firstFailure != null) {
            BenchSupport.progress(label + ": first failure: " + firstFailure);
        }
        BenchSupport.progress(String.format("%s: %,d objects (%,d stored, %,d refused) in %.2f s: %,.0f objects/s durable; "
                        + "all 202s after %.2f s (%,.0f objects/s accepted)", label, count, succeeded, failed, seconds,
                count / seconds, acceptSeconds, count / acceptSeconds));
        BenchSupport.result(label, "objects", count, "stored", succeeded, "refused", failed,
                "seconds", BenchSupport.fmt(seconds), "rate", Math.round(count / seconds),
                "accept_rate", Math.round(count / acceptSeconds), "batch", batch, "connections", connections,
                "client_cpu_s", BenchSupport.fmt(clientCpu));
        if (failed > 0 || succeeded != count) {
            System.exit(2);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long sumLength(String[] bodies) {
        long n = 0;
        for (String b : bodies) {
            n += b.length();
        }
        return n;
    }
}
