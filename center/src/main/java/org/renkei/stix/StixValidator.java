package org.renkei.stix;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.renkei.stix.PropertyRules.Kind;
import org.renkei.stix.PropertyRules.Rule;
import org.renkei.stix.pattern.PatternSyntaxException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks one STIX object against what the STIX 2.1 specification requires, and reports
 * every problem found (not just the first), each with the property path and a message the
 * submitter can act on.
 *
 * <p>What is checked: identifier form and that its prefix is the {@code type}; the
 * type is a core type, starts with {@code x-}, or is declared by an extension definition
 * ({@code extension_type} new-sdo / new-sco / new-sro — the spec's way of adding types
 * without {@code x-}); {@code spec_version} "2.1" on SDOs, SROs and meta objects and, if
 * present, on SCOs; timestamps RFC 3339 with {@code Z}; {@code modified ≥ created}; the
 * required properties and property types of every core type (integers in range, lists,
 * dictionaries, hashes, hex, base64); the "at least one of" and "not both" rules of the
 * property tables; ordering of first/last, start/stop and valid_from/valid_until;
 * reference types ({@code *_ref}, {@code *_refs} of the right target types; any other
 * property so named must hold identifiers); custom property names
 * ({@code ^[a-z0-9_]{3,250}$}); external references, granular markings, kill-chain phases,
 * extensions; STIX patterns when {@code pattern_type} is {@code stix}; deterministic SCO ids.
 *
 * <p>Deterministic SCO ids: an SCO whose id is a UUIDv5 that is not the one its
 * contributing properties give is an error by default ({@link DeterministicIdCheck#ERROR}).
 * A UUIDv4 is accepted with a warning: the spec allows it (contributing properties absent,
 * or a producer that does not compute ids), but then two producers' copies of the same
 * observable do not merge by id. Note that the spec's own ipv4-addr example
 * ({@code ipv4-addr--ff26c055-…} for {@code 198.51.100.3}) is not the UUIDv5 of its value;
 * {@link DeterministicIdCheck#WARNING} accepts such content.
 *
 * <p>Not checked: open vocabularies (values outside them are allowed), the contents of
 * extensions against their schemas, and whether referenced objects exist (that needs a
 * store). Thread-safe.
 */
public final class StixValidator {

    /** How a UUIDv5 SCO id that does not match its contributing properties is reported. */
    public enum DeterministicIdCheck { ERROR, WARNING, OFF }

    private static final StixValidator STANDARD = new StixValidator(DeterministicIdCheck.ERROR);

    private static final Pattern CUSTOM_PROPERTY = Pattern.compile("[a-z0-9_]{3,250}");
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})*");
    private static final Set<String> EXTENSION_TYPES =
            Set.of("new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension");
    private static final Set<String> PREDEFINED_EXTENSIONS = Set.of("archive-ext", "ntfs-ext", "pdf-ext",
            "raster-image-ext", "windows-pebinary-ext", "http-request-ext", "icmp-ext", "socket-ext", "tcp-ext",
            "windows-process-ext", "windows-service-ext", "unix-account-ext");
    private static final Map<String, Integer> HASH_HEX_LENGTHS = Map.of(
            "MD5", 32, "SHA-1", 40, "SHA-256", 64, "SHA-512", 128, "SHA3-256", 64, "SHA3-512", 128);

    private final DeterministicIdCheck deterministicIdCheck;

    private StixValidator(DeterministicIdCheck deterministicIdCheck) {
        this.deterministicIdCheck = deterministicIdCheck;
    }

    /** The validator with the defaults described in the class comment. */
    public static StixValidator standard() {
        return STANDARD;
    }

    /** A validator that reports mismatched UUIDv5 SCO ids as {@code check} says. */
    public static StixValidator withDeterministicIdCheck(DeterministicIdCheck check) {
        return new StixValidator(check);
    }

    /** All findings for {@code object}; empty when it is valid and unremarkable. */
    public List<ValidationError> validate(StixObject object) {
        Findings findings = new Findings();
        check(object, object.node(), findings);
        return findings.list;
    }

    /**
     * Validates each object of a bundle or envelope, for status reports that list every
     * failure by position. The result has one entry per object, in order.
     */
    public List<ObjectValidation> validateEach(List<StixObject> objects) {
        List<ObjectValidation> results = new ArrayList<>(objects.size());
        for (int i = 0; i < objects.size(); i++) results.add(new ObjectValidation(i, objects.get(i), validate(objects.get(i))));
        return results;
    }

    /** Whether {@code object} has no errors (warnings allowed). */
    public boolean isValid(StixObject object) {
        return ValidationError.noErrors(validate(object));
    }

    private static final class Findings {
        final List<ValidationError> list = new ArrayList<>(0);

        void error(String path, String message) {
            list.add(new ValidationError(path, message, ValidationError.Severity.ERROR));
        }

        void warn(String path, String message) {
            list.add(new ValidationError(path, message, ValidationError.Severity.WARNING));
        }
    }

    // ------------------------------------------------------------------ the object

    private void check(StixObject object, ObjectNode json, Findings f) {
        JsonNode typeNode = json.get("type");
        if (typeNode == null || !typeNode.isString()) {
            f.error("type", typeNode == null ? "type is required" : "type must be a string");
            return;
        }
        String type = typeNode.stringValue();
        String typeProblem = StixTypeNames.problemWithTypeName(type);
        if (typeProblem != null) {
            f.error("type", typeProblem);
            return;
        }
        StixType core = StixType.orNull(type);
        StixCategory category = object.category();
        if (core == null && !type.startsWith("x-") && category == StixCategory.CUSTOM) {
            f.error("type", "unknown object type '" + type + "'; custom object types must start with 'x-' "
                    + "or be declared by an extension definition (extension_type new-sdo, new-sco or new-sro)");
            return;
        }
        if (type.equals("bundle")) {
            f.error("type", "a bundle cannot be an object inside a bundle or envelope");
            return;
        }

        checkId(json, type, f);
        checkSpecVersion(json, category, core, f);
        Map<String, Rule> rules = core == null ? Map.of() : PropertyRules.BY_TYPE.get(type);

        // common required properties by category
        if (category == StixCategory.SDO || category == StixCategory.SRO
                || core == StixType.LANGUAGE_CONTENT || core == StixType.EXTENSION_DEFINITION) {
            require(json, "created", f);
            require(json, "modified", f);
        } else if (core == StixType.MARKING_DEFINITION) {
            require(json, "created", f);
        }
        if (core == StixType.EXTENSION_DEFINITION) require(json, "created_by_ref", f);
        if (core != null) for (Rule rule : PropertyRules.REQUIRED.get(type)) require(json, rule.name(), f);

        for (Map.Entry<String, JsonNode> property : json.properties()) {
            String name = property.getKey();
            JsonNode value = property.getValue();
            Rule rule = PropertyRules.COMMON.get(name);
            if (rule == null) rule = rules.get(name);
            if (rule != null) {
                checkValue(rule, name, value, f);
            } else {
                checkCustomProperty(name, value, f);
            }
            switch (name) {
                case "external_references" -> checkExternalReferences(value, f);
                case "granular_markings" -> checkGranularMarkings(value, f);
                case "extensions" -> checkExtensions(value, category, f);
                default -> { }
            }
        }
        if (json.has("modified") && json.has("created")) order(json, "created", "modified", false, f);
        millisecondPrecision(json, "created", f);
        millisecondPrecision(json, "modified", f);
        if (core != null) checkTypeSpecific(core, object, json, f);
        if (core != null && core.category() == StixCategory.SCO) checkDeterministicId(object, f);
    }

    private static void require(ObjectNode json, String name, Findings f) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) f.error(name, name + " is required");
    }

    private static void checkId(ObjectNode json, String type, Findings f) {
        JsonNode id = json.get("id");
        if (id == null) {
            f.error("id", "id is required");
            return;
        }
        if (!id.isString()) {
            f.error("id", "id must be a string of the form " + type + "--UUID");
            return;
        }
        String problem = StixId.problemWith(id.stringValue());
        if (problem != null) {
            f.error("id", problem);
        } else if (!id.stringValue().startsWith(type) || id.stringValue().length() != type.length() + 38) {
            f.error("id", "id '" + id.stringValue() + "' must start with the object's type '" + type + "--'");
        }
    }

    private static void checkSpecVersion(ObjectNode json, StixCategory category, StixType core, Findings f) {
        JsonNode version = json.get("spec_version");
        boolean required = category != StixCategory.SCO && !(core == null && category == StixCategory.CUSTOM);
        if (version == null) {
            if (required) f.error("spec_version", "spec_version is required and must be \"2.1\"");
            return;
        }
        if (!version.isString() || !version.stringValue().equals("2.1")) {
            f.error("spec_version", "spec_version must be \"2.1\"" + (version.isString() && version.stringValue().equals("2.0")
                    ? "; STIX 2.0 content must be converted to 2.1 first" : ""));
        }
    }

    // ------------------------------------------------------------------ values

    private static void checkValue(Rule rule, String path, JsonNode value, Findings f) {
        if (value.isNull()) {
            f.error(path, "null is not allowed; omit the property instead");
            return;
        }
        switch (rule.kind()) {
            case STRING -> { if (!value.isString()) f.error(path, "must be a string"); }
            case BOOLEAN -> { if (!value.isBoolean()) f.error(path, "must be true or false"); }
            case INTEGER -> {
                if (!value.isIntegralNumber()) f.error(path, "must be an integer");
                else range(rule, path, value.decimalValue(), f);
            }
            case NUMBER -> {
                if (!value.isNumber()) f.error(path, "must be a number");
                else range(rule, path, value.decimalValue(), f);
            }
            case TIMESTAMP -> timestamp(path, value, f);
            case STRING_LIST -> {
                if (list(path, value, f)) {
                    for (int i = 0; i < value.size(); i++) {
                        if (!value.get(i).isString()) f.error(path + "[" + i + "]", "must be a string");
                    }
                }
            }
            case REF -> reference(path, value, rule.targets(), f);
            case REF_LIST -> {
                if (list(path, value, f)) {
                    for (int i = 0; i < value.size(); i++) reference(path + "[" + i + "]", value.get(i), rule.targets(), f);
                }
            }
            case DICTIONARY -> { if (!value.isObject()) f.error(path, "must be a JSON object (dictionary)"); }
            case OBJECT_LIST -> {
                if (list(path, value, f)) {
                    for (int i = 0; i < value.size(); i++) {
                        if (!value.get(i).isObject()) f.error(path + "[" + i + "]", "must be a JSON object");
                    }
                }
            }
            case KILL_CHAIN -> {
                if (list(path, value, f)) {
                    for (int i = 0; i < value.size(); i++) {
                        JsonNode phase = value.get(i);
                        String at = path + "[" + i + "]";
                        if (!phase.isObject()) {
                            f.error(at, "must be an object with kill_chain_name and phase_name");
                            continue;
                        }
                        requireString(phase, "kill_chain_name", at, f);
                        requireString(phase, "phase_name", at, f);
                    }
                }
            }
            case HASHES -> hashes(path, value, f);
            case HEX -> { if (!value.isString() || !HEX.matcher(value.stringValue()).matches()) f.error(path, "must be a string of hex digit pairs"); }
            case BASE64 -> {
                if (!value.isString()) f.error(path, "must be a base64 string");
                else {
                    try {
                        Base64.getDecoder().decode(value.stringValue());
                    } catch (IllegalArgumentException e) {
                        f.error(path, "is not valid base64: " + e.getMessage());
                    }
                }
            }
        }
    }

    private static void range(Rule rule, String path, BigDecimal number, Findings f) {
        if ((rule.min() != null && number.compareTo(rule.min()) < 0) || (rule.max() != null && number.compareTo(rule.max()) > 0)) {
            f.error(path, "must be " + (rule.min() == null ? "at most " + rule.max().toPlainString()
                    : rule.max() == null ? "at least " + rule.min().toPlainString()
                    : "between " + rule.min().toPlainString() + " and " + rule.max().toPlainString()));
        }
    }

    private static void timestamp(String path, JsonNode value, Findings f) {
        if (!value.isString()) {
            f.error(path, "must be a timestamp string such as 2016-05-12T08:17:27.000Z");
            return;
        }
        if (StixTimestamp.tryParse(value.stringValue()) == null) f.error(path, StixTimestamp.problemWith(value.stringValue()));
    }

    /** Whether value is a non-empty list (reports otherwise). */
    private static boolean list(String path, JsonNode value, Findings f) {
        if (!value.isArray()) {
            f.error(path, "must be a list");
            return false;
        }
        if (value.isEmpty()) {
            f.error(path, "must not be an empty list; omit the property instead");
            return false;
        }
        return true;
    }

    private static void reference(String path, JsonNode value, Set<String> targets, Findings f) {
        if (!value.isString()) {
            f.error(path, "must be an identifier string");
            return;
        }
        String id = value.stringValue();
        String problem = StixId.problemWith(id);
        if (problem != null) {
            f.error(path, problem);
            return;
        }
        if (targets == null) return;
        String type = id.substring(0, id.length() - 38);
        StixType core = StixType.orNull(type);
        for (String target : targets) {
            switch (target) {
                // a non-core type may be an extension-defined SDO/SCO: we cannot tell from the id
                case "SDO" -> { if (core == null || core.category() == StixCategory.SDO) return; }
                case "SCO" -> { if (core == null || core.category() == StixCategory.SCO) return; }
                default -> { if (target.equals(type)) return; }
            }
        }
        f.error(path, "must refer to " + describeTargets(targets) + ", not to a " + type);
    }

    private static String describeTargets(Set<String> targets) {
        List<String> names = new ArrayList<>();
        for (String target : targets.stream().sorted().toList()) {
            names.add(switch (target) {
                case "SDO" -> "a STIX Domain Object";
                case "SCO" -> "a STIX Cyber-observable Object";
                default -> "a " + target;
            });
        }
        return String.join(" or ", names);
    }

    private static void hashes(String path, JsonNode value, Findings f) {
        if (!value.isObject()) {
            f.error(path, "must be a dictionary of hash algorithm to hash value");
            return;
        }
        if (value.isEmpty()) f.error(path, "must contain at least one hash");
        for (Map.Entry<String, JsonNode> hash : value.properties()) {
            String at = path + "." + hash.getKey();
            if (!hash.getValue().isString()) {
                f.error(at, "must be a string");
                continue;
            }
            if (hash.getKey().length() > 250) f.error(at, "hash algorithm names are at most 250 characters");
            Integer length = HASH_HEX_LENGTHS.get(hash.getKey());
            String digest = hash.getValue().stringValue();
            if (length != null && (digest.length() != length || !HEX.matcher(digest).matches())) {
                f.error(at, hash.getKey() + " must be " + length + " hex digits");
            }
        }
    }

    private static void requireString(JsonNode parent, String name, String path, Findings f) {
        JsonNode value = parent.get(name);
        if (value == null) f.error(path + "." + name, name + " is required");
        else if (!value.isString()) f.error(path + "." + name, "must be a string");
    }

    /**
     * STIX 2.1 asks created/modified for at least millisecond precision. Much real content
     * has whole seconds, and nothing is ambiguous about it, so this is a warning.
     */
    private static void millisecondPrecision(ObjectNode json, String name, Findings f) {
        JsonNode value = json.get(name);
        if (value == null || !value.isString()) return;
        StixTimestamp timestamp = StixTimestamp.tryParse(value.stringValue());
        if (timestamp != null && timestamp.fractionDigits() < 3) {
            f.warn(name, name + " should have at least millisecond precision (e.g. 2016-05-12T08:17:27.000Z)");
        }
    }

    private static void checkCustomProperty(String name, JsonNode value, Findings f) {
        if (!CUSTOM_PROPERTY.matcher(name).matches()) {
            f.error(name, "custom property names must be 3-250 characters of a-z, 0-9 and _ ('" + StixId.abbreviate(name) + "' is not)");
            return;
        }
        char first = name.charAt(0);
        if (first < 'a' || first > 'z') f.warn(name, "property names should begin with a letter (STIX 2.1 section 3.1)");
        // whatever the property, a name ending in _ref(s) promises identifiers (spec section 3.1)
        if (name.endsWith("_ref")) reference(name, value, null, f);
        else if (name.endsWith("_refs") && list(name, value, f)) {
            for (int i = 0; i < value.size(); i++) reference(name + "[" + i + "]", value.get(i), null, f);
        }
    }

    // ------------------------------------------------------------------ common structures

    private static void checkExternalReferences(JsonNode value, Findings f) {
        if (!value.isArray()) return; // reported by the list check
        for (int i = 0; i < value.size(); i++) {
            String at = "external_references[" + i + "]";
            JsonNode ref = value.get(i);
            if (!ref.isObject()) {
                f.error(at, "must be an object");
                continue;
            }
            requireString(ref, "source_name", at, f);
            for (String name : List.of("description", "url", "external_id")) {
                JsonNode field = ref.get(name);
                if (field != null && !field.isString()) f.error(at + "." + name, "must be a string");
            }
            if (!ref.has("description") && !ref.has("url") && !ref.has("external_id")) {
                f.error(at, "needs at least one of description, url or external_id");
            }
            if (ref.has("hashes")) hashes(at + ".hashes", ref.get("hashes"), f);
        }
    }

    private static void checkGranularMarkings(JsonNode value, Findings f) {
        if (!list("granular_markings", value, f)) return;
        for (int i = 0; i < value.size(); i++) {
            String at = "granular_markings[" + i + "]";
            JsonNode marking = value.get(i);
            if (!marking.isObject()) {
                f.error(at, "must be an object");
                continue;
            }
            JsonNode selectors = marking.get("selectors");
            if (selectors == null) f.error(at + ".selectors", "selectors is required");
            else if (list(at + ".selectors", selectors, f)) {
                for (int s = 0; s < selectors.size(); s++) {
                    if (!selectors.get(s).isString()) f.error(at + ".selectors[" + s + "]", "must be a string");
                }
            }
            boolean hasRef = marking.has("marking_ref"), hasLang = marking.has("lang");
            if (hasRef == hasLang) f.error(at, "needs exactly one of marking_ref and lang");
            if (hasRef) reference(at + ".marking_ref", marking.get("marking_ref"), Set.of("marking-definition"), f);
            if (hasLang && !marking.get("lang").isString()) f.error(at + ".lang", "must be a string");
        }
    }

    private static void checkExtensions(JsonNode value, StixCategory category, Findings f) {
        if (!value.isObject()) {
            f.error("extensions", "must be a dictionary of extension id to extension content");
            return;
        }
        if (value.isEmpty()) f.error("extensions", "must not be empty; omit the property instead");
        for (Map.Entry<String, JsonNode> extension : value.properties()) {
            String key = extension.getKey();
            String at = "extensions." + key;
            if (key.startsWith("extension-definition--")) {
                String problem = StixId.problemWith(key);
                if (problem != null) f.error(at, problem);
            } else if (!PREDEFINED_EXTENSIONS.contains(key) && !key.startsWith("x-")) {
                f.error(at, "extension keys must be an extension-definition id or a predefined extension name");
            } else if (category != StixCategory.SCO && PREDEFINED_EXTENSIONS.contains(key)) {
                f.warn(at, "predefined extensions belong on cyber-observable objects");
            }
            JsonNode content = extension.getValue();
            if (!content.isObject()) {
                f.error(at, "must be a JSON object");
                continue;
            }
            JsonNode kind = content.get("extension_type");
            if (kind != null && (!kind.isString() || !EXTENSION_TYPES.contains(kind.stringValue()))) {
                f.error(at + ".extension_type", "must be one of " + String.join(", ", EXTENSION_TYPES.stream().sorted().toList()));
            }
            for (Map.Entry<String, JsonNode> property : content.properties()) {
                String name = property.getKey();
                String path = at + "." + name;
                if (name.endsWith("_ref")) reference(path, property.getValue(), null, f);
                else if (name.endsWith("_refs") && list(path, property.getValue(), f)) {
                    for (int i = 0; i < property.getValue().size(); i++) {
                        reference(path + "[" + i + "]", property.getValue().get(i), null, f);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ per type

    private static void checkTypeSpecific(StixType type, StixObject object, ObjectNode json, Findings f) {
        switch (type) {
            case INDICATOR -> {
                order(json, "valid_from", "valid_until", true, f);
                try {
                    object.stixPattern();
                } catch (PatternSyntaxException e) {
                    f.error("pattern", "invalid STIX pattern " + e.getMessage());
                }
            }
            case MALWARE -> {
                JsonNode family = json.get("is_family");
                if (family != null && family.isBoolean() && family.booleanValue() && !json.has("name")) {
                    f.error("name", "name is required when is_family is true");
                }
                order(json, "first_seen", "last_seen", false, f);
            }
            case MALWARE_ANALYSIS -> {
                if (!json.has("result") && !json.has("analysis_sco_refs")) {
                    f.error("", "a malware-analysis needs result or analysis_sco_refs");
                }
            }
            case LOCATION -> {
                boolean lat = json.has("latitude"), lon = json.has("longitude");
                if (lat != lon) f.error(lat ? "longitude" : "latitude", "latitude and longitude must be given together");
                if (json.has("precision") && !lat) f.error("precision", "precision needs latitude and longitude");
                if (!json.has("region") && !json.has("country") && !(lat && lon)) {
                    f.error("", "a location needs region, country, or latitude and longitude");
                }
            }
            case OBSERVED_DATA -> {
                boolean objects = json.has("objects"), refs = json.has("object_refs");
                if (objects == refs) f.error("", "observed-data needs exactly one of object_refs and objects");
                if (objects) f.warn("objects", "objects is deprecated in STIX 2.1; use object_refs");
                order(json, "first_observed", "last_observed", false, f);
            }
            case CAMPAIGN, INTRUSION_SET, THREAT_ACTOR, INFRASTRUCTURE, SIGHTING -> order(json, "first_seen", "last_seen", false, f);
            case RELATIONSHIP -> order(json, "start_time", "stop_time", true, f);
            case MARKING_DEFINITION -> checkMarkingDefinition(json, f);
            case EXTENSION_DEFINITION -> {
                JsonNode kinds = json.get("extension_types");
                if (kinds != null && kinds.isArray()) {
                    for (int i = 0; i < kinds.size(); i++) {
                        JsonNode kind = kinds.get(i);
                        if (kind.isString() && !EXTENSION_TYPES.contains(kind.stringValue())) {
                            f.error("extension_types[" + i + "]", "must be one of "
                                    + String.join(", ", EXTENSION_TYPES.stream().sorted().toList()));
                        }
                    }
                }
            }
            case LANGUAGE_CONTENT -> {
                JsonNode contents = json.get("contents");
                if (contents != null && contents.isObject()) {
                    for (Map.Entry<String, JsonNode> language : contents.properties()) {
                        if (!language.getValue().isObject()) {
                            f.error("contents." + language.getKey(), "must be a dictionary of property name to translation");
                        }
                    }
                }
            }
            case ARTIFACT -> {
                boolean payload = json.has("payload_bin"), url = json.has("url");
                if (payload && url) f.error("", "an artifact has payload_bin or url, not both");
                if (url && !json.has("hashes")) f.error("hashes", "hashes is required when url is present");
            }
            case FILE -> {
                if (!json.has("hashes") && !json.has("name")) f.error("", "a file needs hashes or name");
            }
            case EMAIL_MESSAGE -> {
                JsonNode multipart = json.get("is_multipart");
                if (multipart != null && multipart.isBoolean()) {
                    if (multipart.booleanValue() && json.has("body")) f.error("body", "body must be absent when is_multipart is true; use body_multipart");
                    if (!multipart.booleanValue() && json.has("body_multipart")) f.error("body_multipart", "body_multipart needs is_multipart true");
                }
                JsonNode parts = json.get("body_multipart");
                if (parts != null && parts.isArray()) {
                    for (int i = 0; i < parts.size(); i++) {
                        JsonNode raw = parts.get(i).get("body_raw_ref");
                        if (raw != null) reference("body_multipart[" + i + "].body_raw_ref", raw, Set.of("artifact", "file"), f);
                    }
                }
            }
            case NETWORK_TRAFFIC -> {
                order(json, "start", "end", false, f);
                JsonNode active = json.get("is_active");
                if (active != null && active.isBoolean() && active.booleanValue() && json.has("end")) {
                    f.error("end", "end must be absent when is_active is true");
                }
                if (!json.has("src_ref") && !json.has("dst_ref")) f.error("", "network-traffic needs src_ref or dst_ref");
            }
            case X509_CERTIFICATE -> {
                order(json, "validity_not_before", "validity_not_after", false, f);
                requireOwnProperty(type, json, f);
            }
            case PROCESS -> requireOwnProperty(type, json, f);
            default -> { }
        }
    }

    /** The spec asks process and x509-certificate objects to say something beyond the common properties. */
    private static void requireOwnProperty(StixType type, ObjectNode json, Findings f) {
        for (String name : json.propertyNames()) {
            if (!PropertyRules.COMMON.containsKey(name)) return;
        }
        f.error("", "a " + type.typeName() + " needs at least one property of its own (or an extension)");
    }

    private static void checkMarkingDefinition(ObjectNode json, Findings f) {
        boolean hasType = json.has("definition_type"), hasDefinition = json.has("definition");
        if (hasType != hasDefinition) {
            f.error(hasType ? "definition" : "definition_type", "definition_type and definition must be given together");
        }
        if (!hasType && !json.has("extensions")) {
            f.error("", "a marking-definition needs definition_type and definition, or extensions (as TLP 2.0 uses)");
        }
        JsonNode type = json.get("definition_type");
        JsonNode definition = json.get("definition");
        if (type == null || !type.isString() || definition == null || !definition.isObject()) return;
        switch (type.stringValue()) {
            case "tlp" -> {
                JsonNode tlp = definition.get("tlp");
                if (tlp == null || !tlp.isString() || !Set.of("white", "green", "amber", "red").contains(tlp.stringValue())) {
                    f.error("definition.tlp", "must be one of white, green, amber, red");
                }
            }
            case "statement" -> {
                JsonNode statement = definition.get("statement");
                if (statement == null || !statement.isString()) f.error("definition.statement", "statement is required");
            }
            default -> { }
        }
    }

    /** Reports when {@code later} is before {@code earlier} (or equal, when {@code strict}). */
    private static void order(ObjectNode json, String earlier, String later, boolean strict, Findings f) {
        JsonNode a = json.get(earlier), b = json.get(later);
        if (a == null || b == null || !a.isString() || !b.isString()) return;
        StixTimestamp first = StixTimestamp.tryParse(a.stringValue()), second = StixTimestamp.tryParse(b.stringValue());
        if (first == null || second == null) return; // reported by the timestamp check
        int cmp = second.compareTo(first);
        if (cmp < 0 || (strict && cmp == 0)) {
            f.error(later, later + " must be " + (strict ? "later than " : "the same as or later than ") + earlier);
        }
    }

    private void checkDeterministicId(StixObject object, Findings f) {
        if (deterministicIdCheck == DeterministicIdCheck.OFF) return;
        String rawId = object.rawId();
        if (rawId == null || !StixId.isValid(rawId)) return;
        var expected = DeterministicId.compute(object);
        if (expected.isEmpty()) return;
        StixId actual = StixId.parse(rawId);
        if (actual.equals(expected.get())) return;
        if (actual.uuidVersion() == 5) {
            String message = "id is a UUIDv5 but not the one its ID contributing properties "
                    + DeterministicId.contributingProperties(object.type()) + " give; expected " + expected.get();
            if (deterministicIdCheck == DeterministicIdCheck.ERROR) f.error("id", message);
            else f.warn("id", message);
        } else {
            f.warn("id", "not the deterministic id " + expected.get() + "; copies of this observable from other "
                    + "producers will not share its id");
        }
    }
}
