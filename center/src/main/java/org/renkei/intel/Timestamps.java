package org.renkei.intel;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.renkei.stix.StixTimestamp;

/** Epoch-microsecond timestamps as the store keeps them, and their RFC 3339 form on the wire. */
public final class Timestamps {
    private Timestamps() {
    }

    /**
     * RFC 3339 UTC with milliseconds when the value has no finer part (the precision STIX
     * content is usually written in, e.g. {@code 2026-11-22T02:40:00.123Z}), microseconds
     * otherwise ({@code 2026-11-22T02:40:00.123456Z}).
     */
    public static String format(long epochMicros) {
        Instant i = Instant.EPOCH.plus(epochMicros, ChronoUnit.MICROS);
        String s = i.toString(); // ISO-8601, Z, with 0, 3, 6 or 9 fraction digits
        int dot = s.indexOf('.');
        String base = dot < 0 ? s.substring(0, s.length() - 1) : s.substring(0, dot);
        String frac = dot < 0 ? "" : s.substring(dot + 1, s.length() - 1);
        frac = (frac + "000000").substring(0, 6);
        if (frac.endsWith("000")) {
            frac = frac.substring(0, 3);
        }
        return base + "." + frac + "Z";
    }

    public static long micros(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    /** Parses an RFC 3339 UTC timestamp ending in Z (STIX's rules); null when it is not one. */
    public static Long parseMicros(String s) {
        return s != null && StixTimestamp.isValid(s) ? StixTimestamp.parse(s).epochMicros() : null;
    }

    public static long nowMicros() {
        return micros(Instant.now());
    }
}
