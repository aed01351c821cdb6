package org.renkei.sensor.observe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends spooled batches to {@code POST {center}/api/v1/observations} with
 * {@code Authorization: Bearer TOKEN}, oldest first. 2xx deletes the batch; 400/413/422
 * (the center will never accept it) moves it to {@code rejected/}; anything else (5xx,
 * 401/403, 408, 429, network errors) keeps it and backs off exponentially from 1 s to
 * 5 min. Since the center deduplicates on batch_id, sending a batch twice is harmless.
 */
public final class ObservationSender {
    private final ObservationSpool spool;
    private final URI endpoint;
    private final String token;
    private final HttpClient client;
    private final Consumer<String> log;
    // Read by the batch and drain threads and by callers reporting progress.
    private volatile long backoffMillis;
    private volatile long sent, rejected, failures;

    public ObservationSender(ObservationSpool spool, URI center, String token, Consumer<String> log) {
        this.spool = spool;
        String base = center.toString().endsWith("/") ? center.toString() : center + "/";
        this.endpoint = URI.create(base).resolve("api/v1/observations");
        this.token = token;
        this.log = log;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    public long sent() {
        return sent;
    }

    public long failures() {
        return failures;
    }

    public long rejected() {
        return rejected;
    }

    /** Milliseconds to wait before the next attempt (0 after a success). */
    public long backoffMillis() {
        return backoffMillis;
    }

    /**
     * Tries to send everything spooled; stops at the first retryable failure. Synchronized:
     * the sender thread and the final drain never post the same batch concurrently.
     *
     * @return true when the spool is empty afterwards
     */
    public synchronized boolean sendPending() throws InterruptedException {
        List<Path> pending;
        try {
            pending = spool.pending();
        } catch (IOException e) {
            log.accept("cannot list the spool " + spool.directory() + ": " + e.getMessage());
            return false;
        }
        for (Path batch : pending) {
            if (!sendOne(batch)) return false;
        }
        return true;
    }

    private boolean sendOne(Path batch) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofFile(batch)) // streamed from the spool file
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                spool.acknowledge(batch);
                sent++;
                backoffMillis = 0;
                return true;
            }
            if (status == 400 || status == 413 || status == 422) {
                spool.reject(batch);
                rejected++;
                log.accept("center rejected " + batch.getFileName() + " with " + status + " (" + abbreviate(response.body())
                        + "); moved to " + spool.directory().resolve("rejected"));
                return true;
            }
            fail("center answered " + status + (status == 401 || status == 403 ? " (check --token and the sensor's role)" : "")
                    + " for " + batch.getFileName());
            return false;
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            return true; // acknowledged meanwhile (e.g. by a previous run sharing the spool): nothing to send
        } catch (IOException e) {
            fail("cannot reach " + endpoint + ": " + e.getMessage());
            return false;
        }
    }

    private void fail(String why) {
        failures++;
        backoffMillis = backoffMillis == 0 ? 1000 : Math.min(300_000, backoffMillis * 2);
        log.accept(why + "; batch kept in the spool, retrying in " + backoffMillis / 1000 + " s");
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
