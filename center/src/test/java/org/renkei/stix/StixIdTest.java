package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StixIdTest {

    @Test
    void parsesAndFormatsTypeAndUuid() {
        StixId id = StixId.parse("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
        assertThat(id.type()).isEqualTo("indicator");
        assertThat(id.uuid()).isEqualTo(UUID.fromString("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
        assertThat(id.uuidVersion()).isEqualTo(4);
        assertThat(id).hasToString("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    }

    @Test
    void acceptsHyphenatedAndCustomTypes() {
        assertThat(StixId.isValid("x-example-com-customobject--4527e5de-8572-446a-a57a-706f15467461")).isTrue();
        assertThat(StixId.parse("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9").type())
                .isEqualTo("marking-definition");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",      // single hyphen
            "indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f",         // no dashes in UUID
            "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F",     // upper case
            "indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f",     // NCS variant, not RFC 4122
            "indicator--00000000-0000-0000-0000-000000000000",     // nil UUID
            "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",     // upper-case type
            "in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",            // type too short
            "a_b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",           // underscore in type
            "--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "indicator--",
            ""})
    void rejectsMalformedIdentifiers(String text) {
        assertThat(StixId.isValid(text)).isFalse();
        assertThatThrownBy(() -> StixId.parse(text)).isInstanceOf(StixFormatException.class).hasMessageContaining("identifier");
    }

    @Test
    void rejectsNonRfc4122VariantWithActionableMessage() {
        assertThat(StixId.problemWith("indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f"))
                .contains("RFC 4122").contains("8, 9, a or b");
    }

    @Test
    void ordersByText() {
        assertThat(StixId.parse("a-b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"))
                .isLessThan(StixId.parse("b-b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
    }
}
