package org.renkei.bench;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Distinct, realistic STIX 2.1 indicators (IPv4 address, domain and URL patterns,
 * names, descriptions, indicator types, TLP:GREEN), deterministic in (seed, index) so
 * that several loader threads and several runs produce no accidental duplicates:
 * a duplicate (id, modified) is idempotent on the server and would inflate the rate.
 * JSON is written by hand: the generator must cost the shared CPU far less than the
 * server's parse of the same bytes.
 */
final class IndicatorGenerator {
    static final String TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    private static final String[] DOMAIN_WORDS = {"login", "secure", "update", "cdn", "mail", "pay", "portal", "account",
            "verify", "cloud", "files", "support"};
    private static final String[] TLDS = {"example", "test", "invalid", "example.net", "example.org"};
    private static final String[] KINDS = {"malicious-activity", "anomalous-activity", "compromised", "attribution"};
    private static final String[] FAMILIES = {"Emotet", "QakBot", "Cobalt Strike", "AsyncRAT", "Mirai", "IcedID",
            "Raccoon", "AgentTesla"};
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private final long seed;
    private final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.DAYS);

    IndicatorGenerator(long seed) {
        this.seed = seed;
    }

    /** The indicator's id for (seed, index): a random-looking v4 UUID. */
    String id(long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return "indicator--" + new UUID(hi, lo);
    }

    /** Appends one indicator as compact JSON. */
    void append(StringBuilder sb, long index) {
        SplittableRandom r = new SplittableRandom(seed * 31 + index * 0x632BE59BD9B4E019L);
        String ts = MILLIS.format(base.plusMillis(index % 80_000_000L));
        String family = FAMILIES[r.nextInt(FAMILIES.length)];
        String pattern;
        String what;
        switch ((int) (index % 3)) {
            case 0 -> {
                // distinct addresses: the index spread over 100.64.0.0/10 and 198.18.0.0/15 style space, by seed
                long v = (index * 2_654_435_761L + seed * 97) & 0xFFFFFFFFL;
                String ip = ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
                pattern = "[ipv4-addr:value = '" + ip + "']";
                what = family + " command-and-control server " + ip;
            }
            case 1 -> {
                String host = DOMAIN_WORDS[r.nextInt(DOMAIN_WORDS.length)] + "-" + Long.toString(index, 36) + "-"
                        + Long.toString(seed & 0xFFFF, 36) + "." + TLDS[r.nextInt(TLDS.length)];
                pattern = "[domain-name:value = '" + host + "']";
                what = family + " phishing domain " + host;
            }
            default -> {
                String url = "https://" + DOMAIN_WORDS[r.nextInt(DOMAIN_WORDS.length)] + ".bench-" + Long.toString(seed & 0xFFFF, 36)
                        + ".example/" + Long.toString(index, 36) + "/" + Long.toHexString(r.nextLong()) + ".php";
                pattern = "[url:value = '" + url + "']";
                what = family + " payload URL " + url;
            }
        }
        sb.append("{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"").append(id(index))
                .append("\",\"created\":\"").append(ts).append("\",\"modified\":\"").append(ts)
                .append("\",\"name\":\"").append(what)
                .append("\",\"description\":\"Observed by a member sensor; confidence from ")
                .append(1 + r.nextInt(9)).append(" independent sightings. Block at the perimeter.\"")
                .append(",\"indicator_types\":[\"").append(KINDS[r.nextInt(KINDS.length)]).append("\"]")
                .append(",\"pattern\":\"").append(pattern).append("\",\"pattern_type\":\"stix\"")
                .append(",\"valid_from\":\"").append(ts).append('"')
                .append(",\"labels\":[\"").append(family.toLowerCase(java.util.Locale.ROOT).replace(' ', '-')).append("\"]")
                .append(",\"confidence\":").append(10 * (1 + r.nextInt(9)))
                .append(",\"object_marking_refs\":[\"").append(TLP_GREEN).append("\"]}");
    }

    /** A TAXII envelope of indicators [from, from + count). */
    String envelope(long from, int count) {
        StringBuilder sb = new StringBuilder(count * 720 + 16).append("{\"objects\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(',');
            }
            append(sb, from + i);
        }
        return sb.append("]}").toString();
    }
}
