package org.renkei.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the center benchmark clients share: argument parsing, the TAXII HTTP calls,
 * percentiles, and the {@code RESULT} lines that {@code bench/center/run.sh} collects.
 * The clients run against a live server; they are not tests and surefire never runs them
 * (no {@code *Test} names).
 */
final class BenchSupport {
    static final String TAXII = "application/taxii+json;version=2.1";

    private BenchSupport() {
    }

    /** {@code --key value} pairs; a missing key with no default is an error that names it. */
    record Args(Map<String, String> values) {
        static Args parse(String[] argv) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < argv.length; i++) {
                if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("arguments are --key value pairs; bad at '" + argv[i] + "'");
                }
                m.put(argv[i].substring(2), argv[++i]);
            }
            return new Args(m);
        }

        String get(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException("--" + key + " is required");
            }
            return v;
        }

        String get(String key, String dflt) {
            return values.getOrDefault(key, dflt);
        }

        int integer(String key, int dflt) {
            return Integer.parseInt(get(key, String.valueOf(dflt)));
        }
    }

    /** HTTP/1.1 only: that is what TAXII clients and wrk speak, and h2c upgrade would add a round trip. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpRequest.Builder request(String base, String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", TAXII)
                .timeout(Duration.ofSeconds(120));
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(req.method() + " " + req.uri() + " failed: " + e, e);
        }
    }

    /** POSTs one TAXII envelope; returns the status id of the 202 answer. */
    static String postEnvelope(HttpClient http, String base, String collection, String token, String envelope) {
        HttpRequest req = request(base, "/taxii2/api1/collections/" + collection + "/objects/", token)
                .header("Content-Type", TAXII)
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build();
        HttpResponse<String> res = send(http, req);
        if (res.statusCode() != 202) {
            throw new IllegalStateException("POST to " + collection + " answered " + res.statusCode() + ": "
                    + abbreviate(res.body()));
        }
        return stringField(res.body(), "id");
    }

    /**
     * The value of the first {@code "name":"..."} in compact JSON. Enough for the
     * server's own compact answers and cheaper than a parse on the client's side of
     * a shared 2-core machine.
     */
    static String stringField(String json, String name) {
        String key = "\"" + name + "\":\"";
        int i = json.indexOf(key);
        if (i < 0) {
            return null;
        }
        int start = i + key.length();
        return json.substring(start, json.indexOf('"', start));
    }

    static long longField(String json, String name) {
        String key = "\"" + name + "\":";
        int i = json.indexOf(key);
        if (i < 0) {
            return -1;
        }
        int start = i + key.length();
        int end = start;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(json.substring(start, end));
    }

    static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }

    /** Nearest-rank percentile of values in milliseconds. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double[] sortedMillis(long[] nanos, int n) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            ms[i] = nanos[i] / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** One line for run.sh: {@code RESULT <bench> key=value ...}. */
    static void result(String bench, Object... kv) {
        StringBuilder sb = new StringBuilder("RESULT ").append(bench);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            sb.append(' ').append(kv[i]).append('=').append(kv[i + 1]);
        }
        System.out.println(sb);
    }

    static void progress(String line) {
        System.err.println("  " + line);
    }
}
