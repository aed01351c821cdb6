package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StixObjectTest {

    private static final StixTimestamp NOW = StixTimestamp.parse("2024-05-01T10:00:00.000Z");

    @Test
    void createsValidSdoWithRandomId() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("name", "Bad IP");
        properties.put("pattern", "[ipv4-addr:value = '198.51.100.1']");
        properties.put("pattern_type", "stix");
        properties.put("valid_from", NOW.format());
        properties.put("indicator_types", List.of("malicious-activity"));
        StixObject indicator = StixObject.create("indicator", properties, NOW);
        assertThat(indicator.id().uuidVersion()).isEqualTo(4);
        assertThat(indicator.created()).hasValue(NOW);
        assertThat(indicator.modified()).hasValue(NOW);
        assertThat(List.copyOf(indicator.propertyNames())).startsWith("type", "spec_version", "id", "created", "modified", "name");
        assertThat(StixValidator.standard().validate(indicator)).isEmpty();
    }

    @Test
    void createsScoWithDeterministicId() {
        StixObject ip = StixObject.create("ipv4-addr", Map.of("value", "198.51.100.3"), NOW);
        assertThat(ip.rawId()).isEqualTo("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
        assertThat(ip.has("created")).isFalse();
        assertThat(StixValidator.standard().validate(ip)).isEmpty();
        assertThatThrownBy(() -> StixObject.create("Bad Type", Map.of(), NOW)).isInstanceOf(StixFormatException.class);
    }

    @Test
    void makesNewVersionsWithLaterModified() {
        StixObject v1 = SpecExamples.object("indicator");
        StixTimestamp later = StixTimestamp.parse("2016-04-07T00:00:00.000Z");
        StixObject v2 = v1.newVersion(later, Map.of("confidence", 90));
        assertThat(v2.id()).isEqualTo(v1.id());
        assertThat(v2.modified()).hasValue(later);
        assertThat(v2.confidence()).hasValue(90);
        assertThat(v2.versionKey(null)).isGreaterThan(v1.versionKey(null));
        assertThat(StixValidator.standard().validate(v2)).isEmpty();
    }

    @Test
    void refusesVersionsThatBreakTheRules() {
        StixObject v1 = SpecExamples.object("indicator");
        assertThatThrownBy(() -> v1.newVersion(v1.modified().orElseThrow(), Map.of()))
                .isInstanceOf(StixFormatException.class).hasMessageContaining("must be later than");
        assertThatThrownBy(() -> v1.newVersion(StixTimestamp.parse("2020-01-01T00:00:00.000Z"), Map.of("id", "x")))
                .isInstanceOf(StixFormatException.class).hasMessageContaining("cannot change");
        assertThatThrownBy(() -> SpecExamples.object("url").newVersion(NOW, Map.of()))
                .isInstanceOf(StixFormatException.class).hasMessageContaining("cannot be versioned");
        StixObject revoked = v1.revoke(StixTimestamp.parse("2020-01-01T00:00:00.000Z"));
        assertThat(revoked.revoked()).isTrue();
        assertThatThrownBy(() -> revoked.newVersion(StixTimestamp.parse("2021-01-01T00:00:00.000Z"), Map.of()))
                .isInstanceOf(StixFormatException.class).hasMessageContaining("revoked");
    }
}
