package org.renkei.stix.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.renkei.stix.pattern.ComparisonExpression.Comparison;
import org.renkei.stix.pattern.ObservationExpression.Observation;

class StixPatternParserTest {

    /** Patterns from the STIX 2.1 specification, section 9, and variations on every construct. */
    static final List<String> VALID = List.of(
            "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
            "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
            "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
            "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
            "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar'] WITHIN 300 SECONDS",
            "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']",
            "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
            "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
            "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
            "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
            "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
            "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
            "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
            "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
            "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
            "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']",
            "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
            "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
            "[process:command_line MATCHES '^.+>-add GlobalSettings.SurfaceFeeds.EnableSurfaceFeeds.+$']",
            "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
            "[ipv4-addr:value ISSUPERSET '198.51.100.0/24']",
            "([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo']",
            "[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
            "[network-traffic:dst_port IN (80, 443, 8080)]",
            "[network-traffic:src_port NOT IN (22, 23)]",
            "[file:size > 1024 AND file:size <= 4096 AND file:size != 2048 AND file:size >= 1 AND file:size < 5000]",
            "[file:name LIKE 'upd%.exe' AND file:name NOT LIKE 'update.exe']",
            "[EXISTS windows-registry-key:values]",
            "[artifact:payload_bin = b'dGVzdA==']",
            "[x-thing:score = -5.5 AND x-thing:delta < -1 AND x-thing:ratio > .5 AND x-thing:count = +3]",
            "[file:name = 'it\\'s']",
            "[x-list:items[0] = true AND x-list:items[-1] = false]",
            "[file:name == 'a' AND file:name <> 'b']",
            "[file:name NOT = 'a' AND file:name NOT != 'b']",
            "[file:'name' = 'quoted first component']",
            "[ipv4-addr:value = '198.51.100.1'] WITHIN 1.5 SECONDS",
            "[a-b:c = 1] FOLLOWEDBY ([a-b:d = 2] OR [a-b:e = 3]) FOLLOWEDBY [a-b:f = 4]",
            "(([a-b:c = 1]))",
            "[a-b:c = 1] /* comment */ AND // line comment\n [a-b:d = 2]",
            "[file:name IN ()]",
            "[\tipv4-addr:value\n=\r'10.0.0.1' ]",
            "[file:name = 'x'] and [file:name = 'y'] followedBy [x-a:b = True] within 5 seconds",
            "[network-traffic:start = t'2020-01-01T00:00:00Z' AND network-traffic:end > t'2020-01-01T00:00:00Z']",
            "[x-a:in.or.true = 1]");

    @ParameterizedTest
    @FieldSource("VALID")
    void parsesValidPattern(String text) {
        StixPattern pattern = StixPatternParser.parse(text);
        assertThat(pattern.text()).isEqualTo(text);
        // the normalised form is itself a pattern and a fixed point
        String normalized = pattern.normalized();
        assertThat(StixPattern.normalize(normalized)).as(normalized).isEqualTo(normalized);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"|0|expected one of '[', '(' but found end of pattern",
            "ipv4-addr:value = '1.2.3.4'|0|expected one of '[', '(' but found 'ipv4-addr'",
            "[ipv4-addr:value = '1.2.3.4'|28|but found end of pattern",
            "[file:values[0 AND x = 1]|15|expected ']' but found 'AND'",
            "[ipv4-addr:value = 1.2.3.4]|22|but found '.3'",
            "[ipv4-addr:value = ]|19|but found ']'",
            "[ipv4-addr:value = '1.2.3.4'] AND|33|but found end of pattern",
            "[ipv4-addr:value = '1.2.3.4'] WITHIN -5 SECONDS|37|expected one of an integer, a number but found '-5'",
            "[ipv4-addr:value = '1.2.3.4'] WITHIN 0 SECONDS|37|WITHIN needs a positive number of seconds",
            "[ipv4-addr:value = '1.2.3.4'] REPEATS 0 TIMES|38|REPEATS needs a positive integer",
            "[ipv4-addr:value = '1.2.3.4'] WITHIN 5|38|expected 'SECONDS' but found end of pattern",
            "[file:name = 'abc]|13|unterminated or invalid string literal",
            "[file:name = 'a\\b']|13|unterminated or invalid string literal",
            "[file:name = 'x'] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'|53|STOP time must be later than the START",
            "[file:name = t'2016-13-01T00:00:00Z']|13|is not a valid date and time",
            "[file:size > true]|13|but found 'true'",
            "[file:name LIKE 5]|16|expected a string literal '...' but found '5'",
            "[file:name MATCHES '(']|19|MATCHES needs a valid regular expression",
            "[file:hashes.SHA-256 = 'x']|13|property name 'SHA-256' contains '-'; quote it",
            "[File:name = 'x']|1|object type 'File' must use only a-z, 0-9 and single hyphens",
            "[file:magic_number_hex = h'abc']|25|expected",
            "[file:name = 'x'] ANDALSO [file:name = 'y']|18|but found 'ANDALSO'",
            "[file:name = 'x'] [file:name = 'y']|18|but found '['",
            "[file:name = 'x']]|17|but found ']'",
            "[]|1|but found ']'",
            "[file:name IN ('a', 'b']|23|but found ']'",
            "[file:name = 'a' @ ]|17|unexpected character '@'",
            "[file:name = 'a'] WITHIN 5 SECONDS WITHIN|41|expected one of an integer, a number but found end of pattern",
            "[file = 'a']|6|expected ':' but found '='",
            "[file:name IN ('a' 'b')]|19|expected one of ')', ',' but found the literal 'b'",
            "[a-b:c = 1] START t'2020-01-01T00:00:00Z'|41|expected 'STOP' but found end of pattern"})
    void rejectsInvalidPatternNamingPosition(String text, int position, String problem) {
        assertThatThrownBy(() -> StixPatternParser.parse(text))
                .isInstanceOfSatisfying(PatternSyntaxException.class, e -> {
                    assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
                    assertThat(e.getMessage()).startsWith("at position " + position + ": ").contains(problem);
                    assertThat(e.problem()).contains(problem);
                });
    }

    @Test
    void rejectsNullAndHugePatterns() {
        assertThatThrownBy(() -> StixPatternParser.parse(null)).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> StixPatternParser.parse("[a-b:c = '" + "x".repeat(StixPatternParser.MAX_PATTERN_LENGTH) + "']"))
                .isInstanceOf(PatternSyntaxException.class).hasMessageContaining("longer than");
    }

    @Test
    void reportsLineAndColumnOnMultiLinePatterns() {
        assertThatThrownBy(() -> StixPatternParser.parse("[a-b:c = 1]\nAND\n[a-b:d = ]"))
                .isInstanceOfSatisfying(PatternSyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(9);
                    assertThat(e.position()).isEqualTo(25);
                });
    }

    @Test
    void buildsTheSyntaxTree() {
        StixPattern pattern = StixPatternParser.parse(
                "[file:hashes.'SHA-256' = 'ab' AND file:size > 10] FOLLOWEDBY [x-a:b[*].c IN ('x', 2)] WITHIN 300 SECONDS");
        var followedBy = (ObservationExpression.Junction) pattern.expression();
        assertThat(followedBy.operator()).isEqualTo(ObservationExpression.ObservationOperator.FOLLOWEDBY);
        var first = (Observation) followedBy.operands().get(0);
        var and = (ComparisonExpression.Junction) first.comparison();
        var hash = (Comparison) and.operands().getFirst();
        assertThat(hash.path().objectType()).isEqualTo("file");
        assertThat(hash.path().steps()).containsExactly(new ObjectPath.PathStep.Key("hashes"), new ObjectPath.PathStep.Key("SHA-256"));
        assertThat(hash.path().propertyPathText()).isEqualTo("hashes.'SHA-256'");
        assertThat(hash.value()).isEqualTo(new Constant.StringConstant("ab"));
        var qualified = (ObservationExpression.Qualified) followedBy.operands().get(1);
        assertThat(qualified.qualifier()).isEqualTo(new Qualifier.Within(new BigDecimal("300")));
        var in = (Comparison) ((Observation) qualified.expression()).comparison();
        assertThat(in.operator()).isEqualTo(ComparisonOperator.IN);
        assertThat(in.path().steps()).contains(new ObjectPath.PathStep.AnyIndex());
        assertThat(((Constant.SetConstant) in.value()).elements()).hasSize(2);
    }

    @Test
    void unescapesStringLiterals() {
        var c = (Comparison) ((Observation) StixPatternParser.parse("[file:name = 'it\\'s a \\\\ path']").expression()).comparison();
        assertThat(c.value()).isEqualTo(new Constant.StringConstant("it's a \\ path"));
    }

    // ------------------------------------------------------------ normalised form

    @Test
    void normalisesWhitespaceAndOperatorSpelling() {
        String expected = "[ipv4-addr:value = '1.2.3.4']";
        assertThat(StixPattern.normalize("[ipv4-addr:value = '1.2.3.4']")).isEqualTo(expected);
        assertThat(StixPattern.normalize("[ ipv4-addr:value='1.2.3.4' ]")).isEqualTo(expected);
        assertThat(StixPattern.normalize("[ipv4-addr:value == '1.2.3.4']")).isEqualTo(expected);
        assertThat(StixPattern.normalize("((([ipv4-addr:value = '1.2.3.4'])))")).isEqualTo(expected);
        assertThat(StixPattern.normalize("[ipv4-addr:value NOT != '1.2.3.4']")).isEqualTo(expected);
        assertThat(StixPattern.normalize("[ipv4-addr:value <> '1.2.3.4']")).isEqualTo("[ipv4-addr:value != '1.2.3.4']");
        assertThat(StixPattern.normalize("[file:'name' = 'x']")).isEqualTo("[file:name = 'x']");
        assertThat(StixPattern.normalize("[file:magic_number_hex = h'FFD8']")).isEqualTo("[file:magic_number_hex = h'ffd8']");
        assertThat(StixPattern.normalize("[x-a:n = +3 AND x-a:f = 1.50]")).isEqualTo("[x-a:f = 1.5 AND x-a:n = 3]");
    }

    @Test
    void normalisesKeywordCaseAndQuotesKeywordKeys() {
        assertThat(StixPattern.normalize("[a-b:x = TRUE] and [a-b:y = 2] within 5 seconds"))
                .isEqualTo("[a-b:x = true] AND [a-b:y = 2] WITHIN 5 SECONDS");
        assertThat(StixPattern.normalize("[network-traffic:start = t'2020-01-01T00:00:00Z']"))
                .isEqualTo("[network-traffic:'start' = t'2020-01-01T00:00:00Z']");
    }

    @Test
    void sortsCommutativeOperands() {
        assertThat(StixPattern.normalize("[file:size = 1 AND file:name = 'a']"))
                .isEqualTo(StixPattern.normalize("[file:name = 'a' AND file:size = 1]"));
        assertThat(StixPattern.normalize("[url:value = 'b' OR url:value = 'a']")).isEqualTo("[url:value = 'a' OR url:value = 'b']");
        assertThat(StixPattern.normalize("[a-b:x = 2] OR [a-b:x = 1]")).isEqualTo("[a-b:x = 1] OR [a-b:x = 2]");
        assertThat(StixPattern.normalize("[a-b:x IN (3, 1, 2, 1)]")).isEqualTo("[a-b:x IN (1, 2, 3)]");
    }

    @Test
    void keepsFollowedByInOrderAndParenthesesWhereNeeded() {
        assertThat(StixPattern.normalize("[a-b:x = 2] FOLLOWEDBY [a-b:x = 1]")).isEqualTo("[a-b:x = 2] FOLLOWEDBY [a-b:x = 1]");
        assertThat(StixPattern.normalize("[a-b:z = 3 AND (a-b:y = 2 OR a-b:x = 1)]")).isEqualTo("[(a-b:x = 1 OR a-b:y = 2) AND a-b:z = 3]");
        assertThat(StixPattern.normalize("([a-b:y = 2] OR [a-b:x = 1]) WITHIN 60 SECONDS"))
                .isEqualTo("([a-b:x = 1] OR [a-b:y = 2]) WITHIN 60 SECONDS");
        assertThat(StixPattern.normalize("[a-b:x = 1] AND ([a-b:y = 2] FOLLOWEDBY [a-b:z = 3])"))
                .isEqualTo("([a-b:y = 2] FOLLOWEDBY [a-b:z = 3]) AND [a-b:x = 1]");
        assertThat(StixPattern.normalize("[a-b:x = 1 AND (a-b:y = 2 AND a-b:z = 3)]")).isEqualTo("[a-b:x = 1 AND a-b:y = 2 AND a-b:z = 3]");
    }

    @Test
    void doesNotConfuseDifferentPatterns() {
        assertThat(StixPattern.normalize("[a-b:x = 1]")).isNotEqualTo(StixPattern.normalize("[a-b:x = '1']"));
        assertThat(StixPattern.normalize("[a-b:x = 1.0]")).isNotEqualTo(StixPattern.normalize("[a-b:x = 1]"));
        assertThat(StixPattern.normalize("[a-b:x = 1 AND a-b:y = 2 OR a-b:z = 3]"))
                .isNotEqualTo(StixPattern.normalize("[a-b:x = 1 AND (a-b:y = 2 OR a-b:z = 3)]"));
    }

    // ------------------------------------------------------------ simple observables

    @Test
    void extractsSimpleObservable() {
        assertThat(StixPatternParser.parse("[ipv4-addr:value = '1.2.3.4']").simpleObservable())
                .hasValue(new SimpleObservable("ipv4-addr", "value", "1.2.3.4"));
        assertThat(StixPatternParser.parse("[file:hashes.'SHA-256' = 'abc']").simpleObservable())
                .hasValue(new SimpleObservable("file", "hashes.'SHA-256'", "abc"));
        assertThat(StixPatternParser.parse("[ domain-name:value NOT != 'example.com' ]").simpleObservable())
                .hasValue(new SimpleObservable("domain-name", "value", "example.com"));
    }

    @Test
    void findsNoSimpleObservableInComplexPatterns() {
        for (String text : List.of("[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']",
                "[ipv4-addr:value != '1.2.3.4']", "[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS",
                "[x-a:list[0] = 'a']", "[file:size = 5]", "[ipv4-addr:value ISSUBSET '10.0.0.0/8']",
                "[a-b:c = 'x'] FOLLOWEDBY [a-b:c = 'y']")) {
            assertThat(StixPatternParser.parse(text).simpleObservable()).as(text).isEmpty();
        }
    }

    @Test
    void extractsAllObservablesOfAnOrOfEqualities() {
        assertThat(StixPatternParser.parse("[url:value = 'http://a' OR url:value = 'http://b'] OR [domain-name:value IN ('c.example', 'd.example')]")
                .simpleObservables()).containsExactly(
                new SimpleObservable("url", "value", "http://a"), new SimpleObservable("url", "value", "http://b"),
                new SimpleObservable("domain-name", "value", "c.example"), new SimpleObservable("domain-name", "value", "d.example"));
        assertThat(StixPatternParser.parse("[url:value = 'http://a' AND url:value = 'http://b']").simpleObservables()).isEmpty();
        assertThat(StixPatternParser.parse("[url:value = 'http://a'] FOLLOWEDBY [url:value = 'http://b']").simpleObservables()).isEmpty();
    }
}
