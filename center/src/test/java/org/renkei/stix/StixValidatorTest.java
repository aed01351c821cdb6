package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class StixValidatorTest {

    static final List<String> EXAMPLES = SpecExamples.NAMES;

    private static final StixValidator VALIDATOR = StixValidator.standard();

    private static List<ValidationError> errors(StixObject object) {
        return VALIDATOR.validate(object).stream().filter(ValidationError::isError).toList();
    }

    private static void assertRejected(StixObject object, String path, String fragment) {
        List<ValidationError> errors = errors(object);
        assertThat(errors).as("errors of %s", object).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.message()).contains(fragment);
        });
    }

    private static StixObject example(String name) {
        return SpecExamples.object(name);
    }

    private static JsonNode json(String text) {
        return StixJson.readTrusted("{\"v\":" + text + "}").get("v");
    }

    private static StixObject with(String example, String property, String jsonValue) {
        return example(example).with(property, json(jsonValue));
    }

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void acceptsSpecExample(String name) {
        StixObject object = example(name);
        assertThat(errors(object)).as(name).isEmpty();
    }

    @Test
    void acceptsTlpMarkingDefinitionsWeServe() {
        for (StixObject marking : Tlp.markingDefinitions()) assertThat(errors(marking)).as(marking.rawId()).isEmpty();
        for (StixObject marking : Tlp.tlp1MarkingDefinitions()) assertThat(errors(marking)).as(marking.rawId()).isEmpty();
    }

    // ------------------------------------------------------------ identity and type

    @Test
    void rejectsMalformedId() {
        assertRejected(with("indicator", "id", "\"indicator--1234\""), "id", "type--UUID");
    }

    @Test
    void rejectsIdWhosePrefixIsNotTheType() {
        assertRejected(with("indicator", "id", "\"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\""), "id",
                "must start with the object's type 'indicator--'");
    }

    @Test
    void rejectsMissingId() {
        assertRejected(example("indicator").without("id"), "id", "id is required");
    }

    @Test
    void rejectsUnknownTypeWithoutXPrefix() {
        StixObject object = with("x-custom-object", "type", "\"example-thing\"")
                .with("id", "example-thing--4527e5de-8572-446a-a57a-706f15467461");
        assertRejected(object, "type", "custom object types must start with 'x-'");
    }

    @Test
    void rejectsInvalidTypeName() {
        assertRejected(with("indicator", "type", "\"Indicator\""), "type", "a-z");
        assertRejected(example("indicator").without("type"), "type", "type is required");
    }

    @Test
    void rejectsBundleAsObject() {
        StixObject bundle = StixObject.parse("{\"type\":\"bundle\",\"id\":\"bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"}");
        assertRejected(bundle, "type", "bundle");
    }

    // ------------------------------------------------------------ spec_version and timestamps

    @Test
    void requiresSpecVersionOnSdoSroAndMeta() {
        assertRejected(example("indicator").without("spec_version"), "spec_version", "required");
        assertRejected(example("relationship").without("spec_version"), "spec_version", "required");
        assertRejected(example("marking-definition").without("spec_version"), "spec_version", "required");
    }

    @Test
    void allowsScoWithoutSpecVersion() {
        assertThat(errors(example("ipv4-addr").without("spec_version"))).isEmpty();
    }

    @Test
    void rejectsSpecVersionOtherThan21() {
        assertRejected(with("indicator", "spec_version", "\"2.0\""), "spec_version", "converted to 2.1");
        assertRejected(with("url", "spec_version", "\"2.2\""), "spec_version", "must be \"2.1\"");
    }

    @Test
    void rejectsTimestampWithoutZ() {
        assertRejected(with("indicator", "valid_from", "\"2016-01-01T00:00:00+00:00\""), "valid_from", "end with 'Z'");
        assertRejected(with("indicator", "created", "\"2016-04-06T20:03:48.000\""), "created", "end with 'Z'");
    }

    @Test
    void rejectsModifiedBeforeCreated() {
        assertRejected(with("indicator", "modified", "\"2016-04-06T20:03:47.999Z\""), "modified",
                "the same as or later than created");
    }

    @Test
    void warnsAboutCreatedWithoutMilliseconds() {
        List<ValidationError> findings = VALIDATOR.validate(with("indicator", "created", "\"2016-04-06T20:03:48Z\""));
        assertThat(ValidationError.noErrors(findings)).isTrue();
        assertThat(findings).anySatisfy(f -> assertThat(f.toString()).isEqualTo(
                "warning: created: created should have at least millisecond precision (e.g. 2016-05-12T08:17:27.000Z)"));
    }

    @Test
    void warnsAboutCustomPropertyNotStartingWithALetter() {
        List<ValidationError> findings = VALIDATOR.validate(with("indicator", "_x_score", "1"));
        assertThat(ValidationError.noErrors(findings)).isTrue();
        assertThat(findings).anySatisfy(f -> assertThat(f.message()).contains("begin with a letter"));
    }

    @Test
    void requiresCreatedAndModifiedOnSdo() {
        assertRejected(example("campaign").without("created"), "created", "required");
        assertRejected(example("campaign").without("modified"), "modified", "required");
    }

    // ------------------------------------------------------------ required properties per type

    @Test
    void requiresPropertiesOfEachCoreType() {
        record Case(String example, String property) {}
        List<Case> cases = List.of(new Case("indicator", "pattern"), new Case("indicator", "pattern_type"),
                new Case("indicator", "valid_from"), new Case("relationship", "relationship_type"),
                new Case("relationship", "source_ref"), new Case("relationship", "target_ref"),
                new Case("sighting", "sighting_of_ref"), new Case("malware", "is_family"),
                new Case("attack-pattern", "name"), new Case("campaign", "name"), new Case("course-of-action", "name"),
                new Case("grouping", "context"), new Case("grouping", "object_refs"), new Case("identity", "name"),
                new Case("incident", "name"), new Case("infrastructure", "name"), new Case("intrusion-set", "name"),
                new Case("malware-analysis", "product"), new Case("note", "content"), new Case("note", "object_refs"),
                new Case("observed-data", "first_observed"), new Case("observed-data", "last_observed"),
                new Case("observed-data", "number_observed"), new Case("opinion", "opinion"),
                new Case("opinion", "object_refs"), new Case("report", "name"), new Case("report", "published"),
                new Case("report", "object_refs"), new Case("threat-actor", "name"), new Case("tool", "name"),
                new Case("vulnerability", "name"), new Case("language-content", "object_ref"),
                new Case("language-content", "contents"), new Case("extension-definition", "schema"),
                new Case("extension-definition", "version"), new Case("extension-definition", "extension_types"),
                new Case("extension-definition", "created_by_ref"), new Case("marking-definition", "created"),
                new Case("autonomous-system", "number"), new Case("directory", "path"), new Case("domain-name", "value"),
                new Case("email-addr", "value"), new Case("email-message", "is_multipart"), new Case("ipv4-addr", "value"),
                new Case("ipv6-addr", "value"), new Case("mac-addr", "value"), new Case("mutex", "name"),
                new Case("network-traffic", "protocols"), new Case("software", "name"), new Case("url", "value"));
        for (Case c : cases) assertRejected(example(c.example()).without(c.property()), c.property(), "is required");
    }

    @Test
    void requiresNameOfMalwareFamily() {
        assertRejected(with("malware", "is_family", "true").without("name"), "name", "when is_family is true");
    }

    @Test
    void requiresResultOrScoRefsOfMalwareAnalysis() {
        assertRejected(example("malware-analysis").without("result"), "", "result or analysis_sco_refs");
    }

    @Test
    void requiresWhereForLocation() {
        assertRejected(example("location").without("latitude").without("longitude"), "", "region, country");
        assertRejected(example("location").without("longitude"), "longitude", "together");
    }

    @Test
    void requiresExactlyOneOfObjectRefsAndObjects() {
        assertRejected(example("observed-data").without("object_refs"), "", "exactly one of object_refs and objects");
    }

    @Test
    void requiresHashesOrNameOfFile() {
        assertRejected(example("file").without("hashes").without("name"), "", "hashes or name");
    }

    @Test
    void rejectsArtifactWithPayloadAndUrl() {
        assertRejected(with("artifact", "url", "\"https://example.com/a.jpg\""), "", "not both");
    }

    @Test
    void rejectsMarkingDefinitionWithoutDefinition() {
        assertRejected(example("marking-definition").without("definition").without("definition_type"), "", "definition_type and definition");
        assertRejected(with("marking-definition", "definition", "{\"tlp\":\"purple\"}"), "definition.tlp", "white, green, amber, red");
    }

    @Test
    void rejectsNetworkTrafficWithoutEndpoints() {
        assertRejected(example("network-traffic").without("src_ref").without("dst_ref"), "", "src_ref or dst_ref");
    }

    @Test
    void requiresAnOwnPropertyOfProcessAndCertificate() {
        StixObject bare = StixObject.parse("{\"type\":\"process\",\"spec_version\":\"2.1\",\"id\":\"process--07bc30ad-de4c-4b9a-a9c6-9d2f2a0e7b3c\"}");
        assertRejected(bare, "", "at least one property of its own");
    }

    @Test
    void rejectsMultipartEmailWithBody() {
        assertRejected(with("email-message", "is_multipart", "true"), "body", "is_multipart");
    }

    // ------------------------------------------------------------ property types

    @Test
    void rejectsWrongPropertyTypes() {
        assertRejected(with("indicator", "name", "42"), "name", "must be a string");
        assertRejected(with("malware", "is_family", "\"false\""), "is_family", "true or false");
        assertRejected(with("indicator", "labels", "\"a\""), "labels", "must be a list");
        assertRejected(with("indicator", "labels", "[1]"), "labels[0]", "must be a string");
        assertRejected(with("indicator", "labels", "[]"), "labels", "must not be an empty list");
        assertRejected(with("observed-data", "number_observed", "1.5"), "number_observed", "integer");
        assertRejected(with("language-content", "contents", "[]"), "contents", "dictionary");
        assertRejected(with("indicator", "description", "null"), "description", "null is not allowed");
        assertRejected(with("artifact", "payload_bin", "\"not base64!\""), "payload_bin", "base64");
        assertRejected(with("file", "magic_number_hex", "\"ffd8f\""), "magic_number_hex", "hex");
        assertRejected(with("file", "hashes", "{\"SHA-256\":\"abc\"}"), "hashes.SHA-256", "64 hex digits");
        assertRejected(with("attack-pattern", "kill_chain_phases", "[{\"kill_chain_name\":\"lockheed\"}]"),
                "kill_chain_phases[0].phase_name", "is required");
    }

    @Test
    void rejectsIntegersOutOfRange() {
        assertRejected(with("indicator", "confidence", "101"), "confidence", "between 0 and 100");
        assertRejected(with("indicator", "confidence", "-1"), "confidence", "between 0 and 100");
        assertRejected(with("observed-data", "number_observed", "0"), "number_observed", "between 1 and 999999999");
        assertRejected(with("network-traffic", "dst_port", "65536"), "dst_port", "between 0 and 65535");
        assertRejected(with("location", "latitude", "91.0"), "latitude", "between -90 and 90");
        assertThat(errors(with("indicator", "confidence", "100"))).isEmpty();
    }

    @Test
    void rejectsTimeOrderViolations() {
        assertRejected(with("indicator", "valid_until", "\"2016-01-01T00:00:00Z\""), "valid_until", "later than valid_from");
        assertRejected(with("sighting", "last_seen", "\"2015-12-21T18:59:59Z\""), "last_seen", "later than first_seen");
        assertRejected(with("observed-data", "last_observed", "\"2015-12-21T18:00:00Z\""), "last_observed", "first_observed");
    }

    @Test
    void rejectsInvalidCustomPropertyNames() {
        assertRejected(with("indicator", "x", "1"), "x", "custom property names");
        assertRejected(with("indicator", "x-foo", "1"), "x-foo", "custom property names");
        assertRejected(with("indicator", "X_FOO", "1"), "X_FOO", "custom property names");
        assertRejected(with("indicator", "x_" + "a".repeat(249), "1"), "x_" + "a".repeat(249), "custom property names");
        assertThat(errors(with("indicator", "x_acme_score", "1"))).isEmpty();
    }

    // ------------------------------------------------------------ references

    @Test
    void rejectsReferencesToTheWrongType() {
        assertRejected(with("indicator", "created_by_ref", "\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\""),
                "created_by_ref", "must refer to a identity");
        assertRejected(with("indicator", "object_marking_refs", "[\"identity--31b940d4-6f7f-459a-80ea-9c1f17b5891b\"]"),
                "object_marking_refs[0]", "marking-definition");
        assertRejected(with("sighting", "sighting_of_ref", "\"ipv4-addr--31b940d4-6f7f-459a-80ea-9c1f17b5891b\""),
                "sighting_of_ref", "STIX Domain Object");
        assertRejected(with("sighting", "where_sighted_refs", "[\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\"]"),
                "where_sighted_refs[0]", "identity or a location");
        assertRejected(with("sighting", "observed_data_refs", "[\"indicator--31b940d4-6f7f-459a-80ea-9c1f17b5891b\"]"),
                "observed_data_refs[0]", "observed-data");
        assertRejected(with("malware", "sample_refs", "[\"url--31b940d4-6f7f-459a-80ea-9c1f17b5891b\"]"),
                "sample_refs[0]", "artifact or a file");
        assertRejected(with("relationship", "target_ref", "\"relationship--31b940d4-6f7f-459a-80ea-9c1f17b5891b\""),
                "target_ref", "must refer to");
        assertRejected(with("email-message", "from_ref", "\"url--31b940d4-6f7f-459a-80ea-9c1f17b5891b\""),
                "from_ref", "email-addr");
    }

    @Test
    void acceptsReferencesToExtensionDefinedTypesWhereTheCategoryMatches() {
        assertThat(errors(with("sighting", "sighting_of_ref", "\"my-favorite-sdo--ac97aae4-83f1-46ca-a351-7aeb76678189\""))).isEmpty();
    }

    @Test
    void rejectsMalformedReferencesEvenInCustomProperties() {
        assertRejected(with("indicator", "x_acme_source_ref", "\"nope\""), "x_acme_source_ref", "type--UUID");
        assertRejected(with("indicator", "x_acme_refs", "[\"nope\"]"), "x_acme_refs[0]", "type--UUID");
    }

    // ------------------------------------------------------------ common structures

    @Test
    void rejectsBadExternalReferences() {
        assertRejected(with("indicator", "external_references", "[{\"url\":\"https://example.com\"}]"),
                "external_references[0].source_name", "is required");
        assertRejected(with("indicator", "external_references", "[{\"source_name\":\"x\"}]"),
                "external_references[0]", "at least one of description, url or external_id");
    }

    @Test
    void rejectsBadGranularMarkings() {
        assertRejected(with("indicator", "granular_markings", "[{\"selectors\":[\"name\"]}]"),
                "granular_markings[0]", "exactly one of marking_ref and lang");
        assertRejected(with("indicator", "granular_markings",
                "[{\"selectors\":[],\"marking_ref\":\"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da\"}]"),
                "granular_markings[0].selectors", "empty");
    }

    @Test
    void rejectsBadExtensions() {
        assertRejected(with("indicator", "extensions", "{\"my-ext\":{}}"), "extensions.my-ext", "extension-definition id");
        assertRejected(with("indicator", "extensions", "{\"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e\":{\"extension_type\":\"bogus\"}}"),
                "extensions.extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e.extension_type", "must be one of");
        assertRejected(with("extension-definition", "extension_types", "[\"new-thing\"]"), "extension_types[0]", "must be one of");
    }

    // ------------------------------------------------------------ patterns

    @Test
    void rejectsInvalidStixPatternNamingPosition() {
        assertRejected(with("indicator", "pattern", "\"[ipv4-addr:value = '1.2.3.4' AND ]\""), "pattern",
                "invalid STIX pattern at position 33: expected one of 'EXISTS', an object type or property name, '(' but found ']'");
        assertRejected(with("indicator", "pattern", "\"[file:name = 'x'\""), "pattern", "but found end of pattern");
    }

    @Test
    void ignoresPatternsInOtherLanguages() {
        assertThat(errors(with("indicator", "pattern_type", "\"snort\"").with("pattern", "alert tcp any any -> any any"))).isEmpty();
    }

    // ------------------------------------------------------------ deterministic ids

    @Test
    void rejectsScoWithMismatchedUuidV5() {
        StixObject wrong = with("ipv4-addr", "value", "\"198.51.100.99\"");
        assertRejected(wrong, "id", "expected ipv4-addr--");
    }

    @Test
    void warnsButAcceptsScoWithRandomUuid() {
        StixObject v4 = example("ipv4-addr").with("id", "ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8");
        List<ValidationError> findings = VALIDATOR.validate(v4);
        assertThat(ValidationError.noErrors(findings)).isTrue();
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(ValidationError.Severity.WARNING);
            assertThat(f.message()).contains("not the deterministic id");
        });
    }

    @Test
    void specIpv4ExampleIdIsNotItsUuidV5AndCanBeAcceptedWithWarning() {
        // The spec's ipv4-addr example uses ff26c055-… for 198.51.100.3, which is not the UUIDv5 of {"value":"198.51.100.3"}.
        StixObject specExample = example("ipv4-addr").with("id", "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd");
        assertThat(StixValidator.standard().isValid(specExample)).isFalse();
        assertThat(StixValidator.withDeterministicIdCheck(StixValidator.DeterministicIdCheck.WARNING).isValid(specExample)).isTrue();
        assertThat(StixValidator.withDeterministicIdCheck(StixValidator.DeterministicIdCheck.OFF).validate(specExample)).isEmpty();
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        ObjectNode broken = example("indicator").json();
        broken.put("created", "yesterday");
        broken.put("confidence", 500);
        broken.remove("pattern_type");
        assertThat(errors(StixObject.of(broken))).extracting(ValidationError::path)
                .contains("created", "confidence", "pattern_type");
    }

    @Test
    void formatsFindingsForHumans() {
        assertThat(new ValidationError("pattern", "bad").toString()).isEqualTo("pattern: bad");
        assertThat(new ValidationError("", "bad", ValidationError.Severity.WARNING).toString()).isEqualTo("warning: bad");
    }

    @Test
    void validatesEachObjectOfAnEnvelopeForStatusReports() {
        List<StixObject> objects = List.of(example("indicator"), with("indicator", "confidence", "500"),
                example("url").with("id", "nonsense"));
        List<ObjectValidation> results = VALIDATOR.validateEach(objects);
        assertThat(results).extracting(ObjectValidation::isValid).containsExactly(true, false, false);
        assertThat(results.get(1).errorSummary())
                .isEqualTo("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: confidence: must be between 0 and 100");
        assertThat(results.get(2).errorSummary()).startsWith("objects[2]: id: ");
    }
}
