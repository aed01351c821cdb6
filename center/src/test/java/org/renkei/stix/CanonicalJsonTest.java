package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

    @Test
    void sortsKeysAndDropsWhitespace() {
        assertThat(CanonicalJson.of(StixJson.readTrusted("{ \"b\" : [ 1 , true , null ], \"a\" : { \"d\":\"x\", \"c\":\"y\" } }")))
                .isEqualTo("{\"a\":{\"c\":\"y\",\"d\":\"x\"},\"b\":[1,true,null]}");
    }

    @Test
    void sortsKeysByUtf16CodeUnits() {
        // RFC 8785 section 3.2.3 example ordering: "\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"
        String json = "{\"\\u20ac\":1,\"\\r\":2,\"\\ufb33\":3,\"1\":4,\"\\ud83d\\ude00\":5,\"\\u0080\":6,\"\\u00f6\":7}";
        String canonical = CanonicalJson.of(StixJson.readTrusted(json));
        assertThat(canonical).isEqualTo("{\"\\r\":2,\"1\":4,\"\u0080\":6,\"\u00f6\":7,\"\u20ac\":1,\"\ud83d\ude00\":5,\"\ufb33\":3}");
    }

    @Test
    void escapesOnlyWhatItMust() {
        assertThat(CanonicalJson.of(StixJson.readTrusted("{\"v\":\"a\\\"b\\\\c\\n\\u0001\u00e9/\"}")))
                .isEqualTo("{\"v\":\"a\\\"b\\\\c\\n\\u0001\u00e9/\"}");
    }

    @ParameterizedTest
    @CsvSource({
            // RFC 8785 appendix B samples
            "0.0, 0", "-0.0, 0", "1.0, 1", "100, 100", "1e21, 1e+21", "1e20, 100000000000000000000",
            "0.000001, 0.000001", "1e-7, 1e-7", "333333333.33333329, 333333333.3333333",
            "4.50, 4.5", "2e-3, 0.002", "0.000001234, 0.000001234", "1.7976931348623157e308, 1.7976931348623157e+308",
            "5e-324, 5e-324", "-1.5e-10, -1.5e-10", "9007199254740992, 9007199254740992"})
    void formatsNumbersLikeEcmaScript(double value, String expected) {
        assertThat(CanonicalJson.number(value)).isEqualTo(expected);
    }
}
