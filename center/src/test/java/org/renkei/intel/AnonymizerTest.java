package org.renkei.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.renkei.access.Member;
import org.renkei.access.MemberType;
import org.renkei.access.Sector;
import org.renkei.http.Json;
import tools.jackson.databind.node.ObjectNode;

class AnonymizerTest {
    static final Member SUBMITTER = new Member(UUID.randomUUID(), "Hidden Water", MemberType.OPERATOR, Sector.WATER,
            List.of("192.0.2.0/24", "2001:db8:5::/48"), List.of(), 0.5, true, "identity--" + UUID.randomUUID(),
            Instant.now(), Instant.now());
    static final Anonymizer.Scrubber SCRUB = new Anonymizer.Scrubber(SUBMITTER);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "our gateway is 192.0.2.45.|our gateway is [redacted].",
            "hosts 192.0.2.1, 192.0.2.2 and 198.51.100.1|hosts [redacted], [redacted] and 198.51.100.1",
            "v6 2001:db8:5::17 and 2001:db8:6::1|v6 [redacted] and 2001:db8:6::1",
            "mail soc@water.example now|mail [redacted] now",
            "call +81-3-1234-5678 today|call [redacted] today",
            "call (03) 1234 5678|call [redacted]",
            "HIDDEN WATER saw it|[redacted] saw it",
            "see CVE-2021-44228 from 2026-01-01|see CVE-2021-44228 from 2026-01-01",
            "version 1.2.3.4.5 is not an address|version 1.2.3.4.5 is not an address"})
    void scrubsContactDetailsOwnAddressesAndName(String in, String out) {
        assertThat(SCRUB.scrub(in)).isEqualTo(out);
    }

    @Test
    void replacesTheCreatorAndDropsSightingRefsThatNameTheSubmitter() {
        String self = "identity--" + UUID.randomUUID();
        ObjectNode sighting = Json.object().put("type", "sighting").put("id", "sighting--" + UUID.randomUUID())
                .put("created_by_ref", self).put("sighting_of_ref", "indicator--" + UUID.randomUUID());
        sighting.putArray("where_sighted_refs").add(self);
        sighting.putArray("external_references").addObject().put("source_name", "Hidden Water ticket");
        ObjectNode shared = new Anonymizer("identity--center").anonymize(sighting, SUBMITTER, Set.of(self));
        assertThat(shared.get("created_by_ref").asString()).isEqualTo("identity--center");
        assertThat(shared.has("where_sighted_refs")).isFalse();
        assertThat(shared.has("external_references")).isFalse();
        assertThat(sighting.get("where_sighted_refs")).hasSize(1); // the original is untouched
    }

    @Test
    void withholdsTheSubmittersOwnIdentity() {
        String self = "identity--" + UUID.randomUUID();
        ObjectNode identity = Json.object().put("type", "identity").put("id", self).put("name", "Hidden Water");
        assertThat(new Anonymizer("identity--center").anonymize(identity, SUBMITTER, Set.of(self))).isNull();
    }
}
