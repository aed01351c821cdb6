package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StixJsonTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String allExamplesAsArray() {
        List<String> texts = new ArrayList<>();
        for (String name : SpecExamples.NAMES) texts.add(SpecExamples.text(name));
        return "[" + String.join(",", texts) + "]";
    }

    @Test
    void readsStixBundle() {
        String body = "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":"
                + allExamplesAsArray() + "}";
        StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(bytes(body));
        assertThat(envelope.isBundle()).isTrue();
        assertThat(envelope.bundleId()).hasToString("bundle--5d0092c5-5f74-4287-9642-33f4c354e56d");
        assertThat(envelope.objects()).hasSize(SpecExamples.NAMES.size());
        assertThat(envelope.objects().getFirst().type()).isEqualTo("attack-pattern");
    }

    @Test
    void handsEachObjectOverAsItIsReadInOrderAndListsTheOtherElementsByIndex() {
        List<String> seen = new ArrayList<>();
        StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(bytes("{\"objects\":["
                + SpecExamples.text("indicator") + ",5," + SpecExamples.text("malware") + ",\"x\"],\"more\":true}"),
                o -> seen.add(o.type()));
        assertThat(seen).containsExactly("indicator", "malware");
        assertThat(envelope.objects()).isEmpty();
        assertThat(envelope.more()).isTrue();
        assertThat(envelope.notObjects()).extracting(StixEnvelope.NotAnObject::index).containsExactly(1, 3);
    }

    @Test
    void aBodyBrokenAfterSomeObjectsIsRefusedAfterThoseWereHandedOver() {
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(
                bytes("{\"objects\":[" + SpecExamples.text("indicator") + ",{\"type\":"), o -> seen.add(o.type())))
                .isInstanceOf(StixParseException.class);
        assertThat(seen).containsExactly("indicator");
    }

    @Test
    void readsTaxiiEnvelopeWithMoreAndNext() {
        StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(
                bytes("{\"more\":true,\"next\":\"abc\",\"objects\":[" + SpecExamples.text("indicator") + "]}"));
        assertThat(envelope.isBundle()).isFalse();
        assertThat(envelope.more()).isTrue();
        assertThat(envelope.next()).isEqualTo("abc");
        assertThat(envelope.objects()).singleElement().extracting(StixObject::type).isEqualTo("indicator");
    }

    @Test
    void readsEmptyEnvelope() {
        StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(bytes("{}"));
        assertThat(envelope.objects()).isEmpty();
        assertThat(envelope.more()).isFalse();
    }

    @Test
    void rejectsMalformedJsonNamingLineAndColumn() {
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("{\"objects\": [\n  {\"type\": \"indicator\",,}]}")))
                .isInstanceOfSatisfying(StixParseException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StixParseException.Kind.MALFORMED);
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isPositive();
                    assertThat(e.getMessage()).startsWith("at line 2, column ").contains("malformed JSON")
                            .doesNotContain("tools.jackson").doesNotContain("\n");
                });
    }

    @Test
    void rejectsTruncatedBody() {
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("{\"objects\": [{\"type\": \"x")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("malformed JSON");
    }

    @Test
    void rejectsDeeplyNestedJson() {
        String deep = "[".repeat(100) + "]".repeat(100);
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(
                bytes("{\"objects\":[{\"type\":\"x-a\",\"x_deep\":" + deep + "}]}")))
                .isInstanceOfSatisfying(StixParseException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StixParseException.Kind.TOO_DEEP);
                    assertThat(e.getMessage()).contains("nested deeper than 64 levels");
                });
    }

    @Test
    void rejectsTooManyObjects() {
        StixJson json = StixJson.withLimits(new StixJson.Limits(64, 1000, 2, 1_000_000));
        assertThatThrownBy(() -> json.parseEnvelope(bytes("{\"objects\":[{},1,{}]}")))
                .isInstanceOfSatisfying(StixParseException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StixParseException.Kind.TOO_LARGE);
                    assertThat(e.getMessage()).contains("more than 2 objects");
                });
    }

    @Test
    void rejectsOverlongString() {
        StixJson json = StixJson.withLimits(new StixJson.Limits(64, 10, 10, 1_000_000));
        assertThatThrownBy(() -> json.parseEnvelope(bytes("{\"objects\":[{\"type\":\"aaaaaaaaaaaaaaaaaaaaaaaa\"}]}")))
                .isInstanceOfSatisfying(StixParseException.class, e ->
                        assertThat(e.getMessage()).contains("longer than 10 characters"));
    }

    @Test
    void rejectsBodyOverDocumentLimit() {
        StixJson json = StixJson.withLimits(new StixJson.Limits(64, 10, 10, 10));
        assertThatThrownBy(() -> json.parseEnvelope(bytes("{\"objects\":[]}      ")))
                .isInstanceOfSatisfying(StixParseException.class, e -> assertThat(e.kind()).isEqualTo(StixParseException.Kind.TOO_LARGE));
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("{\"objects\":[{\"type\":\"a\",\"type\":\"b\"}]}")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("duplicate key \"type\"")
                .hasMessageNotContaining("FAIL_ON");
        // nested objects and lists of objects, the envelope's own members, a single object
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes(
                "{\"objects\":[{\"type\":\"a\",\"x\":[{\"k\":{\"n\":1,\"n\":2}}]}]}")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("duplicate key \"n\"");
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("{\"objects\":[],\"more\":false,\"objects\":[]}")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("duplicate key \"objects\"");
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseObject(bytes("{\"id\":\"a\",\"b\":0,\"id\":\"a\"}")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("duplicate key \"id\"");
    }

    @Test
    void keepsGoodObjectsAndListsElementsThatAreNotObjects() {
        StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(
                bytes("{\"objects\":[3, " + SpecExamples.text("url") + ", [1, [2]], \"s\", null]}"));
        assertThat(envelope.objects()).singleElement().extracting(StixObject::type).isEqualTo("url");
        assertThat(envelope.notObjects()).containsExactly(
                new StixEnvelope.NotAnObject(0, "objects[0] is a number, not a JSON object"),
                new StixEnvelope.NotAnObject(2, "objects[2] is a list, not a JSON object"),
                new StixEnvelope.NotAnObject(3, "objects[3] is a string, not a JSON object"),
                new StixEnvelope.NotAnObject(4, "objects[4] is null, not a JSON object"));
    }

    @Test
    void rejectsNonArrayObjects() {
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("{\"objects\":{}}")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("'objects' must be an array");
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("[]")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("must be a JSON object");
    }

    @Test
    void rejectsSingleObjectAndBadBundleId() {
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes(SpecExamples.text("indicator"))))
                .isInstanceOf(StixParseException.class).hasMessageContaining("inside a bundle or a TAXII envelope");
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[]}")))
                .isInstanceOf(StixParseException.class).hasMessageStartingWith("bundle: ");
    }

    @Test
    void rejectsTrailingContentAndEmptyBody() {
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(bytes("{} {}")))
                .isInstanceOf(StixParseException.class).hasMessageContaining("after the end");
        assertThatThrownBy(() -> StixJson.withDefaultLimits().parseEnvelope(new byte[0]))
                .isInstanceOf(StixParseException.class).hasMessageContaining("empty");
    }

    @Test
    void keepsCustomPropertiesAndExtensionsOnRoundTrip() {
        for (String name : List.of("custom-properties", "property-extension", "new-sdo-by-extension", "x-custom-object",
                "file-with-extension", "language-content")) {
            StixObject original = SpecExamples.object(name);
            StixObject again = StixObject.parse(original.toJson());
            assertThat(again).as(name).isEqualTo(original);
            assertThat(again.propertyNames()).as(name).containsExactlyElementsOf(original.propertyNames());
        }
        StixObject custom = SpecExamples.object("custom-properties");
        assertThat(custom.toJson()).contains("\"x_example_big\":12345678901234567890123").contains("\"x_foo\":\"bar\"");
    }

    @Test
    void keepsExactDecimalsAndUnknownFutureProperties() {
        String text = "{\"type\":\"indicator\",\"x_score\":2.50,\"x_tiny\":1.0000000000000000000001,"
                + "\"future_property\":{\"nested\":[true,null,\"s\"]}}";
        StixObject object = StixObject.parse(text);
        assertThat(object.toJson()).isEqualTo(text);
    }

    @Test
    void writesBundleAndEnvelopeThatReadBack() {
        List<StixObject> objects = List.of(SpecExamples.object("indicator"), SpecExamples.object("ipv4-addr"));
        StixEnvelope bundle = StixJson.withDefaultLimits().parseEnvelope(StixJson.writeBundle(objects));
        assertThat(bundle.isBundle()).isTrue();
        assertThat(bundle.objects()).containsExactlyElementsOf(objects);
        StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(StixJson.writeEnvelope(objects, true, "n1"));
        assertThat(envelope.objects()).containsExactlyElementsOf(objects);
        assertThat(envelope.more()).isTrue();
        assertThat(envelope.next()).isEqualTo("n1");
        assertThat(new String(StixJson.writeEnvelope(List.of(), false, null), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void objectsAreImmutableByContract() {
        StixObject object = SpecExamples.object("indicator");
        object.json().put("name", "changed");
        assertThat(object.stringProperty("name")).hasValue("Poison Ivy Malware");
        StixObject changed = object.with("name", "changed").without("description");
        assertThat(changed.stringProperty("name")).hasValue("changed");
        assertThat(changed.has("description")).isFalse();
        assertThat(object.has("description")).isTrue();
    }

    @Test
    void exposesTypedCommonProperties() {
        StixObject indicator = StixObject.parse("""
                {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                 "created":"2016-04-06T20:03:48.000Z","modified":"2016-04-07T20:03:48.123456Z","revoked":true,
                 "created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","labels":["a","b"],"confidence":85,
                 "object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
                 "granular_markings":[{"selectors":["description"],"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}],
                 "external_references":[{"source_name":"cve","external_id":"CVE-2016-1234","hashes":{"SHA-256":"ab"}}],
                 "extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"property-extension","rank":5}}}
                """);
        assertThat(indicator.id().type()).isEqualTo("indicator");
        assertThat(indicator.category()).isEqualTo(StixCategory.SDO);
        assertThat(indicator.coreType()).hasValue(StixType.INDICATOR);
        assertThat(indicator.specVersion()).hasValue("2.1");
        assertThat(indicator.created().orElseThrow().format()).isEqualTo("2016-04-06T20:03:48.000Z");
        assertThat(indicator.modified().orElseThrow().format()).isEqualTo("2016-04-07T20:03:48.123456Z");
        assertThat(indicator.revoked()).isTrue();
        assertThat(indicator.createdByRef()).hasValue("identity--f431f809-377b-45e0-aa1c-6a4751cae5ff");
        assertThat(indicator.labels()).containsExactly("a", "b");
        assertThat(indicator.confidence()).hasValue(85);
        assertThat(indicator.objectMarkingRefs()).containsExactly("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
        assertThat(indicator.granularMarkings()).containsExactly(new GranularMarking(List.of("description"),
                "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", null));
        assertThat(indicator.externalReferences().getFirst().externalId()).isEqualTo("CVE-2016-1234");
        assertThat(indicator.externalReferences().getFirst().hashes()).containsEntry("SHA-256", "ab");
        JsonNode extension = indicator.extensions().get("extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e");
        assertThat(extension.get("rank").intValue()).isEqualTo(5);
    }

    @Test
    void categorisesEveryKindOfObject() {
        assertThat(SpecExamples.object("relationship").category()).isEqualTo(StixCategory.SRO);
        assertThat(SpecExamples.object("url").category()).isEqualTo(StixCategory.SCO);
        assertThat(SpecExamples.object("language-content").category()).isEqualTo(StixCategory.META);
        assertThat(SpecExamples.object("x-custom-object").category()).isEqualTo(StixCategory.CUSTOM);
        assertThat(SpecExamples.object("new-sdo-by-extension").category()).isEqualTo(StixCategory.SDO);
    }

    @Test
    void writesEnvelopeOfStoredJsonWithoutParsing() {
        List<StixObject> objects = List.of(SpecExamples.object("indicator"), SpecExamples.object("url"));
        byte[] raw = StixJson.writeEnvelopeOfJson(objects.stream().map(StixObject::toJsonBytes).toList(), true, "p\"2");
        StixEnvelope back = StixJson.withDefaultLimits().parseEnvelope(raw);
        assertThat(back.objects()).containsExactlyElementsOf(objects);
        assertThat(back.more()).isTrue();
        assertThat(back.next()).isEqualTo("p\"2");
        assertThat(raw).isEqualTo(StixJson.writeEnvelope(objects, true, "p\"2"));
        assertThat(new String(StixJson.writeEnvelopeOfJson(List.of(), false, null), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void canonicalJsonIgnoresPropertyOrder() {
        StixObject a = StixObject.parse("{\"type\":\"x-a\",\"b\":1,\"a\":[2,{\"d\":1,\"c\":2}]}");
        StixObject b = StixObject.parse("{\"a\":[2,{\"c\":2,\"d\":1}],\"b\":1,\"type\":\"x-a\"}");
        assertThat(a.canonicalJson()).isEqualTo(b.canonicalJson()).isEqualTo("{\"a\":[2,{\"c\":2,\"d\":1}],\"b\":1,\"type\":\"x-a\"}");
    }
}
