package org.renkei.stix;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A STIX timestamp: RFC 3339, always UTC with a literal {@code Z}, with the fractional-second
 * precision it was written with (STIX mandates milliseconds for some properties; TAXII and
 * submitters use microseconds too).
 *
 * <p>Two timestamps are {@link #equals equal} when they name the same instant, whatever
 * their precision: {@code 2016-01-01T00:00:00Z} and {@code 2016-01-01T00:00:00.000Z} are the
 * same version of an object. {@link #format()} still reproduces the precision given.
 * {@link #epochMicros()} is the comparable form used for storage and TAXII filters;
 * digits beyond microseconds are kept in {@link #instant()} but not in it.
 *
 * @param instant        the point in time
 * @param fractionDigits how many fractional-second digits to write (0–9)
 */
public record StixTimestamp(Instant instant, int fractionDigits) implements Comparable<StixTimestamp> {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};

    public StixTimestamp {
        if (fractionDigits < 0 || fractionDigits > 9) throw new IllegalArgumentException("fractionDigits must be 0..9");
        int nanos = instant.getNano();
        // drop digits beyond the stated precision so that format() and equals() agree
        int unit = POWERS_OF_TEN[9 - fractionDigits];
        if (nanos % unit != 0) instant = instant.minusNanos(nanos % unit);
    }

    /** A timestamp with millisecond precision, the STIX default for created/modified. */
    public static StixTimestamp ofMillis(Instant instant) {
        return new StixTimestamp(instant.truncatedTo(ChronoUnit.MILLIS), 3);
    }

    /** A timestamp with microsecond precision. */
    public static StixTimestamp ofMicros(Instant instant) {
        return new StixTimestamp(instant.truncatedTo(ChronoUnit.MICROS), 6);
    }

    /** The timestamp for {@code micros} since the epoch, written with microseconds. */
    public static StixTimestamp ofEpochMicros(long micros) {
        return new StixTimestamp(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), 6);
    }

    /**
     * Parses {@code YYYY-MM-DDTHH:MM:SS[.fraction]Z}. Lower-case {@code t}/{@code z}, offsets
     * other than {@code Z}, missing seconds and leap seconds are rejected.
     *
     * @throws StixFormatException naming the problem
     */
    public static StixTimestamp parse(String text) {
        StixTimestamp parsed = tryParse(text);
        if (parsed == null) throw new StixFormatException(problemWith(text));
        return parsed;
    }

    /** Whether {@code text} is a valid STIX timestamp. */
    public static boolean isValid(String text) {
        return tryParse(text) != null;
    }

    /** Why {@code text} is not a valid timestamp, or {@code null}. */
    public static String problemWith(String text) {
        if (tryParse(text) != null) return null;
        if (text == null) return "timestamp is missing";
        String shown = StixId.abbreviate(text);
        if (!text.endsWith("Z")) {
            return "timestamp '" + shown + "' must be in UTC and end with 'Z' (e.g. 2016-05-12T08:17:27.000Z)";
        }
        return "timestamp '" + shown + "' is not an RFC 3339 date-time of the form YYYY-MM-DDTHH:MM:SS[.sss]Z";
    }

    // Hand-written because this runs several times per object on the ingest path and
    // DateTimeFormatter is several times slower; the LocalDateTime.of call does the
    // calendar checks (month lengths, leap years).
    /** The parsed timestamp, or {@code null} if {@code s} is not one; for callers that report problems themselves. */
    static StixTimestamp tryParse(String s) {
        if (s == null) return null;
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z') return null;
        if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
        int hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
        int nanos = 0, fractionDigits = 0;
        if (n > 20) {
            if (s.charAt(19) != '.') return null;
            fractionDigits = n - 21;
            if (fractionDigits < 1 || fractionDigits > 9) return null;
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) return null;
            nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
        }
        if (hour > 23 || minute > 59 || second > 59 || month < 1 || month > 12 || day < 1 || day > 31) return null;
        try {
            Instant instant = LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
            return new StixTimestamp(instant, fractionDigits);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** The RFC 3339 text, with {@link #fractionDigits()} fractional digits. */
    public String format() {
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(30);
        pad(out, t.getYear(), 4).append('-');
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append('T');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2);
        if (fractionDigits > 0) {
            out.append('.');
            String nanos = String.format("%09d", t.getNano());
            out.append(nanos, 0, fractionDigits);
        }
        return out.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) out.append('0');
        return out.append(text);
    }

    /** Microseconds since 1970-01-01T00:00:00Z, the comparable form (sub-microsecond digits dropped). */
    public long epochMicros() {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    @Override
    public int compareTo(StixTimestamp other) {
        return instant.compareTo(other.instant);
    }

    public boolean isBefore(StixTimestamp other) {
        return instant.isBefore(other.instant);
    }

    public boolean isAfter(StixTimestamp other) {
        return instant.isAfter(other.instant);
    }

    /** Equal when the instants are equal; precision does not matter (see the class comment). */
    @Override
    public boolean equals(Object o) {
        return o instanceof StixTimestamp other && instant.equals(other.instant);
    }

    @Override
    public int hashCode() {
        return instant.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
