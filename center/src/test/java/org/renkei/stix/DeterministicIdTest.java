package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeterministicIdTest {

    private static StixObject sco(String json) {
        return StixObject.parse(json);
    }

    @Test
    void computesTheSpecsDomainNameExample() {
        // STIX 2.1 section 2.9 example: example.com → domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7
        assertThat(DeterministicId.compute(sco("{\"type\":\"domain-name\",\"value\":\"example.com\"}")))
                .hasValue(StixId.parse("domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // values from the OASIS reference implementation (cti-python-stix2) and its users
            "{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"}|ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
            "{\"type\":\"email-addr\",\"value\":\"john@example.com\"}|email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934",
            "{\"type\":\"autonomous-system\",\"number\":15139}|autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff",
            "{\"type\":\"url\",\"value\":\"https://example.com/research/index.html\"}|url--47c3cf9a-5027-5bf0-997a-017c7edc7c55"})
    void computesKnownIds(String json, String expected) {
        assertThat(DeterministicId.compute(sco(json))).hasValue(StixId.parse(expected));
    }

    @Test
    void ignoresNonContributingProperties() {
        StixObject plain = sco("{\"type\":\"email-addr\",\"value\":\"john@example.com\"}");
        StixObject extra = sco("{\"type\":\"email-addr\",\"value\":\"john@example.com\",\"display_name\":\"John\",\"spec_version\":\"2.1\"}");
        assertThat(DeterministicId.compute(extra)).isEqualTo(DeterministicId.compute(plain));
    }

    @Test
    void usesOneHashInPreferenceOrder() {
        StixObject both = sco("{\"type\":\"file\",\"hashes\":{\"SHA-256\":\"" + "a".repeat(64) + "\",\"MD5\":\"" + "b".repeat(32) + "\"}}");
        assertThat(DeterministicId.contributingJson(both).toString()).isEqualTo("{\"hashes\":{\"MD5\":\"" + "b".repeat(32) + "\"}}");
        StixObject sha = sco("{\"type\":\"file\",\"hashes\":{\"SHA-512\":\"" + "c".repeat(128) + "\",\"SHA-256\":\"" + "a".repeat(64) + "\"}}");
        assertThat(DeterministicId.contributingJson(sha).toString()).contains("SHA-256").doesNotContain("SHA-512");
    }

    @Test
    void givesNoIdWithoutContributingProperties() {
        assertThat(DeterministicId.compute(sco("{\"type\":\"process\",\"pid\":1}"))).isEmpty();
        assertThat(DeterministicId.compute(sco("{\"type\":\"file\",\"size\":1}"))).isEmpty();
        assertThat(DeterministicId.compute(sco("{\"type\":\"x-thing\",\"value\":\"a\"}"))).isEmpty();
        assertThat(DeterministicId.compute(sco("{\"type\":\"indicator\",\"name\":\"a\"}"))).isEmpty();
    }

    @Test
    void exampleScosCarryTheirDeterministicIds() {
        for (String name : new String[] {"artifact", "autonomous-system", "directory", "domain-name", "email-addr",
                "email-message", "file", "file-with-extension", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
                "network-traffic", "software", "url", "user-account", "windows-registry-key", "x509-certificate"}) {
            StixObject example = SpecExamples.object(name);
            assertThat(DeterministicId.compute(example)).as(name).hasValue(example.id());
        }
    }

    @Test
    void makesRfc4122NameBasedUuids() {
        // RFC 4122 / Python's uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertThat(DeterministicId.uuidV5(dns, "python.org")).isEqualTo(UUID.fromString("886313e1-3b8a-5372-9b90-0c9aee199e5d"));
        assertThat(DeterministicId.uuidV5(dns, "python.org").version()).isEqualTo(5);
        assertThat(DeterministicId.uuidV5(dns, "python.org").variant()).isEqualTo(2);
    }
}
