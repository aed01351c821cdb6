package org.renkei.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.renkei.http.Json;
import org.renkei.stix.StixObject;
import tools.jackson.databind.node.ObjectNode;

class CorroborationTest {

    @Test
    void confidenceFollowsTheDocumentedFormula() {
        assertThat(Corroboration.confidence(List.of())).isZero();
        assertThat(Corroboration.confidence(List.of(0.5))).isEqualTo(50);
        assertThat(Corroboration.confidence(List.of(0.5, 0.5))).isEqualTo(75);
        assertThat(Corroboration.confidence(List.of(0.7, 0.9))).isEqualTo(97);
        assertThat(Corroboration.confidence(List.of(1.0, 0.1))).isEqualTo(100);
        assertThat(Corroboration.confidence(List.of(0.0, 0.0))).isZero();
    }

    @Test
    void moreIndependentSourcesNeverLowerConfidence() {
        double[] weights = {0.1, 0.3, 0.5, 0.2, 0.9};
        int previous = 0;
        List<Double> sources = new java.util.ArrayList<>();
        for (double w : weights) {
            sources.add(w);
            int c = Corroboration.confidence(sources);
            assertThat(c).isGreaterThanOrEqualTo(previous).isBetween(0, 100);
            previous = c;
        }
    }

    static ObjectNode indicator(String pattern) {
        return Json.object().put("type", "indicator").put("pattern_type", "stix").put("pattern", pattern);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[ipv4-addr:value = '192.0.2.1']|sco:ipv4-addr:192.0.2.1",
            "[ ipv4-addr:value='192.0.2.1' ]|sco:ipv4-addr:192.0.2.1",
            "[domain-name:value = 'EVIL.Example.']|sco:domain-name:evil.example",
            "[ipv6-addr:value = '2001:DB8:0:0::1']|sco:ipv6-addr:2001:db8::1",
            "[file:hashes.'SHA-256' = 'aa']|pattern:[file:hashes.'SHA-256' = 'aa']"})
    void samePatternsShareAKey(String pattern, String key) {
        assertThat(Corroboration.keyOf(StixObject.of(indicator(pattern)))).isEqualTo(key);
    }

    @Test
    void anIndicatorAndAnObservableOfTheSameValueShareAKey() {
        ObjectNode sco = Json.object().put("type", "domain-name").put("value", "evil.example");
        assertThat(Corroboration.keyOf(StixObject.of(sco))).isEqualTo(Corroboration.keyOf(StixObject.of(indicator("[domain-name:value = 'evil.example']"))));
    }

    @Test
    void orderOfAndOperandsDoesNotMatter() {
        String a = Corroboration.keyOf(StixObject.of(indicator("[ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2']")));
        String b = Corroboration.keyOf(StixObject.of(indicator("[ipv4-addr:value = '192.0.2.2' AND ipv4-addr:value = '192.0.2.1']")));
        assertThat(a).isEqualTo(b).startsWith("pattern:");
    }

    @Test
    void objectsWeDoNotMergeHaveNoKey() {
        assertThat(Corroboration.keyOf(StixObject.of(Json.object().put("type", "malware")))).isNull();
        assertThat(Corroboration.keyOf(StixObject.of(Json.object().put("type", "indicator").put("pattern_type", "sigma")
                .put("pattern", "x")))).isNull();
    }
}
