package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionKeyTest {

    private static final StixTimestamp ADDED = StixTimestamp.parse("2024-01-01T00:00:00.000001Z");

    @Test
    void usesModifiedWhenPresent() {
        VersionKey key = SpecExamples.object("indicator").versionKey(ADDED);
        assertThat(key.source()).isEqualTo(VersionKey.Source.MODIFIED);
        assertThat(key.version().format()).isEqualTo("2016-04-06T20:03:48.000Z");
        assertThat(key).hasToString("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f@2016-04-06T20:03:48.000Z");
    }

    @Test
    void usesCreatedForMarkingDefinitions() {
        VersionKey key = Tlp.RED.markingDefinition().versionKey(null);
        assertThat(key.source()).isEqualTo(VersionKey.Source.CREATED);
        assertThat(key.version().format()).isEqualTo("2022-10-01T00:00:00.000Z");
    }

    @Test
    void usesDateAddedForScosWithoutTimestamps() {
        VersionKey key = SpecExamples.object("ipv4-addr").versionKey(ADDED);
        assertThat(key.source()).isEqualTo(VersionKey.Source.DATE_ADDED);
        assertThat(key.versionEpochMicros()).isEqualTo(ADDED.epochMicros());
        assertThatThrownBy(() -> SpecExamples.object("ipv4-addr").versionKey(null))
                .isInstanceOf(StixFormatException.class).hasMessageContaining("date added");
    }

    @Test
    void resubmissionWithDifferentPrecisionIsTheSameVersion() {
        StixObject a = SpecExamples.object("indicator").with("modified", "2016-04-06T20:03:48Z");
        StixObject b = SpecExamples.object("indicator").with("modified", "2016-04-06T20:03:48.000000Z");
        assertThat(a.versionKey(null)).isEqualTo(b.versionKey(null)).hasSameHashCodeAs(b.versionKey(null));
    }

    @Test
    void newerModifiedIsALaterVersion() {
        VersionKey older = SpecExamples.object("indicator").versionKey(null);
        VersionKey newer = SpecExamples.object("indicator").with("modified", "2016-04-06T20:03:48.001Z").versionKey(null);
        assertThat(newer).isGreaterThan(older).isNotEqualTo(older);
    }
}
