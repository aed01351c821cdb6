package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StixTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"2016-05-12T08:17:27Z", "2016-05-12T08:17:27.0Z", "2016-05-12T08:17:27.000Z",
            "2016-05-12T08:17:27.123456Z", "2016-05-12T08:17:27.123456789Z", "2020-02-29T23:59:59.999Z"})
    void keepsThePrecisionGiven(String text) {
        assertThat(StixTimestamp.parse(text).format()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2016-05-12T08:17:27", "2016-05-12T08:17:27+00:00", "2016-05-12T08:17:27.000+09:00",
            "2016-05-12T08:17:27.000z"})
    void rejectsTimestampWithoutZ(String text) {
        assertThatThrownBy(() -> StixTimestamp.parse(text)).isInstanceOf(StixFormatException.class)
                .hasMessageContaining("must be in UTC and end with 'Z'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2016-5-12T08:17:27Z", "2016-05-12 08:17:27Z", "2016-05-12T08:17Z", "2016-13-01T00:00:00Z",
            "2019-02-29T00:00:00Z", "2016-05-12T24:00:00Z", "2016-05-12T23:59:60Z", "2016-05-12T08:17:27.Z",
            "2016-05-12T08:17:27.1234567890Z", "2016-05-12t08:17:27Z", ""})
    void rejectsMalformedTimestamps(String text) {
        assertThat(StixTimestamp.isValid(text)).isFalse();
        assertThat(StixTimestamp.problemWith(text)).isNotNull();
    }

    @Test
    void equalInstantsAreEqualWhateverThePrecision() {
        assertThat(StixTimestamp.parse("2016-05-12T08:17:27Z")).isEqualTo(StixTimestamp.parse("2016-05-12T08:17:27.000Z"));
        assertThat(StixTimestamp.parse("2016-05-12T08:17:27.001Z")).isGreaterThan(StixTimestamp.parse("2016-05-12T08:17:27Z"));
    }

    @Test
    void givesEpochMicrosecondsAsTheComparableForm() {
        assertThat(StixTimestamp.parse("1970-01-01T00:00:01.000001Z").epochMicros()).isEqualTo(1_000_001L);
        assertThat(StixTimestamp.ofEpochMicros(1_000_001L).format()).isEqualTo("1970-01-01T00:00:01.000001Z");
        assertThat(StixTimestamp.parse("1969-12-31T23:59:59.999999Z").epochMicros()).isEqualTo(-1L);
    }

    @Test
    void factoriesTruncateToTheirPrecision() {
        Instant t = Instant.parse("2024-01-02T03:04:05.123456789Z");
        assertThat(StixTimestamp.ofMillis(t).format()).isEqualTo("2024-01-02T03:04:05.123Z");
        assertThat(StixTimestamp.ofMicros(t).format()).isEqualTo("2024-01-02T03:04:05.123456Z");
    }

    static Stream<Long> seeds() {
        long seed = Long.getLong("stix.seed", System.nanoTime());
        System.out.println("StixTimestampTest seed " + seed + " (rerun with -Dstix.seed=" + seed + ")");
        Random random = new Random(seed);
        return IntStream.range(0, 200).mapToObj(i -> random.nextLong());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void formatThenParseIsIdentityForRandomTimestamps(long seed) {
        Random random = new Random(seed);
        long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 0001..9999
        int digits = random.nextInt(10);
        int nanos = random.nextInt(1_000_000_000);
        StixTimestamp t = new StixTimestamp(Instant.ofEpochSecond(seconds, nanos), digits);
        StixTimestamp back = StixTimestamp.parse(t.format());
        assertThat(back).as("seed %d: %s", seed, t.format()).isEqualTo(t);
        assertThat(back.format()).isEqualTo(t.format());
        assertThat(back.fractionDigits()).isEqualTo(digits);
    }
}
