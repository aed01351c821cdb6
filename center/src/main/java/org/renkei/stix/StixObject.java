package org.renkei.stix;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.renkei.stix.pattern.PatternSyntaxException;
import org.renkei.stix.pattern.StixPattern;
import org.renkei.stix.pattern.StixPatternParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One STIX object as it was received: the JSON object itself, plus typed accessors for the
 * common properties.
 *
 * <p>The JSON is the truth. Nothing is mapped into fields and back, so custom
 * {@code x_} properties, extensions, properties of future spec versions and the order of
 * properties all survive a round trip. Numbers keep their exact decimal value (the parser
 * reads floats as {@code BigDecimal}).
 *
 * <p>Instances are immutable by contract: the wrapped node is never handed out (accessors
 * return copies) and the {@code with…} methods return a modified copy. Accessors do not
 * validate; run {@link StixValidator} first. Typed accessors for a property that is present
 * but malformed throw {@link StixFormatException}.
 */
public final class StixObject {

    private final ObjectNode json;
    /**
     * The compact JSON text this object was read from, when it was read from compact text
     * (else null): {@link #toJson} returns it instead of serialising the tree again, which
     * was a twelfth of the ingest's CPU. It means the same as the tree (duplicate keys are
     * refused when reading), though escapes and number forms are the sender's.
     */
    private final String text;
    /**
     * The parsed {@code pattern}, computed on first use: null (not yet), {@link #NO_PATTERN},
     * a {@link StixPattern} or the {@link PatternSyntaxException} it raised. Validation and
     * corroboration both need it, and parsing is a fifth of the ingest's CPU per parse.
     * A benign race: two threads may both parse, and store equal results.
     */
    private volatile Object pattern;
    private static final Object NO_PATTERN = new Object();

    private StixObject(ObjectNode json) {
        this(json, null);
    }

    private StixObject(ObjectNode json, String text) {
        this.json = json;
        this.text = text;
    }

    /** Wraps a copy of {@code json}. */
    public static StixObject of(ObjectNode json) {
        return new StixObject(json.deepCopy());
    }

    /** Wraps {@code json} without copying; the caller hands over ownership and must not touch it again. */
    static StixObject adopt(ObjectNode json) {
        return new StixObject(json);
    }

    /** As {@link #adopt(ObjectNode)}, with the compact JSON text {@code json} was parsed from. */
    static StixObject adopt(ObjectNode json, String compactText) {
        return new StixObject(json, compactText);
    }

    /**
     * A new object: {@code type}, {@code spec_version} 2.1, an id, and for everything but
     * SCOs {@code created} and {@code modified} set to {@code now} (unless the properties
     * give them), then {@code properties} in order. SCOs get their deterministic id when
     * their contributing properties allow one; everything else gets a random (v4) id.
     *
     * @param properties property values as Jackson can convert them (strings, numbers,
     *                   booleans, lists, maps, {@link JsonNode}s)
     */
    public static StixObject create(String type, java.util.Map<String, ?> properties, StixTimestamp now) {
        String problem = StixTypeNames.problemWithTypeName(type);
        if (problem != null) throw new StixFormatException(problem);
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", type);
        json.put("spec_version", "2.1");
        json.put("id", "");
        StixType core = StixType.orNull(type);
        boolean sco = core != null && core.category() == StixCategory.SCO;
        if (!sco) {
            json.put("created", now.format());
            json.put("modified", now.format());
        }
        for (Map.Entry<String, ?> property : properties.entrySet()) {
            json.set(property.getKey(), StixJson.MAPPER.valueToTree(property.getValue()));
        }
        StixObject object = new StixObject(json);
        StixId id = sco ? DeterministicId.compute(object).orElse(null) : null;
        json.put("id", (id != null ? id : new StixId(type, java.util.UUID.randomUUID())).toString());
        return object;
    }

    /**
     * The next version of this object: a copy with {@code modified} set to {@code modified}
     * and the given properties replaced. Versioning rules: the object must be versionable
     * (have {@code created}), not revoked, and {@code modified} must be later than the current one.
     *
     * @throws StixFormatException if any rule is broken
     */
    public StixObject newVersion(StixTimestamp modified, java.util.Map<String, ?> changes) {
        if (created().isEmpty()) throw new StixFormatException(rawId() + " has no created timestamp and cannot be versioned");
        if (revoked()) throw new StixFormatException(rawId() + " is revoked; no new versions may be made");
        StixTimestamp current = modified().orElseGet(() -> created().orElseThrow());
        if (!modified.isAfter(current)) {
            throw new StixFormatException("the new modified " + modified + " must be later than " + current);
        }
        ObjectNode copy = json.deepCopy();
        for (Map.Entry<String, ?> change : changes.entrySet()) {
            if (change.getKey().equals("id") || change.getKey().equals("type") || change.getKey().equals("created")) {
                throw new StixFormatException(change.getKey() + " cannot change between versions");
            }
            copy.set(change.getKey(), StixJson.MAPPER.valueToTree(change.getValue()));
        }
        copy.put("modified", modified.format());
        return new StixObject(copy);
    }

    /** The revoked version of this object (revoking is final). @throws StixFormatException as {@link #newVersion} */
    public StixObject revoke(StixTimestamp modified) {
        return newVersion(modified, Map.of("revoked", true));
    }

    /** Parses one object from JSON text with default limits. @throws StixParseException */
    public static StixObject parse(String json) {
        return StixJson.withDefaultLimits().parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The JSON object, as a copy the caller may change freely. */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** The live node, for this package's readers and writers only. */
    ObjectNode node() {
        return json;
    }

    // ---------------------------------------------------------------- identity

    /** The {@code type} property, or {@code null} if absent or not a string. */
    public String type() {
        return text("type");
    }

    /** The {@code id} property as written, or {@code null}. */
    public String rawId() {
        return text("id");
    }

    /** The parsed id. @throws StixFormatException if it is missing or malformed */
    public StixId id() {
        return StixId.parse(rawId());
    }

    /** The core type, empty for custom types. */
    public Optional<StixType> coreType() {
        return StixType.of(type());
    }

    /**
     * The category: that of the core type; for other types, the one an extension definition
     * declares ({@code extension_type} {@code new-sdo}, {@code new-sro}, {@code new-sco}),
     * otherwise {@link StixCategory#CUSTOM}.
     */
    public StixCategory category() {
        StixType core = StixType.orNull(type());
        if (core != null) return core.category();
        JsonNode extensions = json.get("extensions");
        if (extensions != null && extensions.isObject()) {
            for (JsonNode extension : extensions.values()) {
                JsonNode kind = extension.get("extension_type");
                if (kind != null && kind.isString()) {
                    switch (kind.stringValue()) {
                        case "new-sdo" -> { return StixCategory.SDO; }
                        case "new-sro" -> { return StixCategory.SRO; }
                        case "new-sco" -> { return StixCategory.SCO; }
                        default -> { }
                    }
                }
            }
        }
        return StixCategory.CUSTOM;
    }

    public Optional<String> specVersion() {
        return Optional.ofNullable(text("spec_version"));
    }

    // ---------------------------------------------------------------- common properties

    public Optional<StixTimestamp> created() {
        return timestamp("created");
    }

    public Optional<StixTimestamp> modified() {
        return timestamp("modified");
    }

    public Optional<String> createdByRef() {
        return Optional.ofNullable(text("created_by_ref"));
    }

    /** {@code revoked}, false when absent. */
    public boolean revoked() {
        JsonNode node = json.get("revoked");
        return node != null && node.isBoolean() && node.booleanValue();
    }

    public List<String> labels() {
        return strings("labels");
    }

    public OptionalInt confidence() {
        JsonNode node = json.get("confidence");
        if (node == null || node.isNull()) return OptionalInt.empty();
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new StixFormatException("confidence must be an integer 0-100");
        }
        return OptionalInt.of(node.intValue());
    }

    public List<String> objectMarkingRefs() {
        return strings("object_marking_refs");
    }

    public List<GranularMarking> granularMarkings() {
        JsonNode node = json.get("granular_markings");
        if (node == null || !node.isArray()) return List.of();
        List<GranularMarking> out = new ArrayList<>(node.size());
        for (JsonNode marking : node) {
            out.add(new GranularMarking(strings(marking.get("selectors")), text(marking, "marking_ref"), text(marking, "lang")));
        }
        return Collections.unmodifiableList(out);
    }

    public List<ExternalReference> externalReferences() {
        JsonNode node = json.get("external_references");
        if (node == null || !node.isArray()) return List.of();
        List<ExternalReference> out = new ArrayList<>(node.size());
        for (JsonNode ref : node) {
            Map<String, String> hashes = new LinkedHashMap<>();
            JsonNode hashNode = ref.get("hashes");
            if (hashNode != null && hashNode.isObject()) {
                for (Map.Entry<String, JsonNode> e : hashNode.properties()) {
                    if (e.getValue().isString()) hashes.put(e.getKey(), e.getValue().stringValue());
                }
            }
            out.add(new ExternalReference(text(ref, "source_name"), text(ref, "description"), text(ref, "url"),
                    hashes, text(ref, "external_id")));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code extensions}: key (an extension-definition id or a predefined SCO extension name) → copy of its value. */
    public Map<String, JsonNode> extensions() {
        JsonNode node = json.get("extensions");
        if (node == null || !node.isObject()) return Map.of();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) out.put(e.getKey(), e.getValue().deepCopy());
        return Collections.unmodifiableMap(out);
    }

    // ---------------------------------------------------------------- any property

    /** Names of all top-level properties, in document order. */
    public Set<String> propertyNames() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(json.propertyNames()));
    }

    public boolean has(String property) {
        return json.has(property);
    }

    /** A copy of any property's value. */
    public Optional<JsonNode> property(String name) {
        JsonNode node = json.get(name);
        return node == null ? Optional.empty() : Optional.of(node.deepCopy());
    }

    /** A string property; empty if absent or not a string. */
    public Optional<String> stringProperty(String name) {
        return Optional.ofNullable(text(name));
    }

    /** A timestamp property. @throws StixFormatException if present but not a STIX timestamp */
    public Optional<StixTimestamp> timestamp(String name) {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) return Optional.empty();
        if (!node.isString()) throw new StixFormatException(name + " must be a timestamp string");
        return Optional.of(StixTimestamp.parse(node.stringValue()));
    }

    /**
     * The parsed {@code pattern} when {@code pattern_type} is {@code stix} and {@code pattern}
     * is a string (whatever the object's type); empty otherwise. Parsed once per object.
     *
     * @throws PatternSyntaxException if the pattern is not valid STIX patterning
     */
    public Optional<StixPattern> stixPattern() {
        Object p = pattern;
        if (p == null) {
            String text = text("pattern");
            if (text == null || !"stix".equals(text("pattern_type"))) {
                p = NO_PATTERN;
            } else {
                try {
                    p = StixPatternParser.parse(text);
                } catch (PatternSyntaxException e) {
                    p = e;
                }
            }
            pattern = p;
        }
        if (p instanceof PatternSyntaxException e) throw e;
        return p instanceof StixPattern parsed ? Optional.of(parsed) : Optional.empty();
    }

    /** A list-of-strings property; empty when absent (non-string elements are skipped). */
    public List<String> strings(String name) {
        return strings(json.get(name));
    }

    // ---------------------------------------------------------------- copies with changes

    /** A copy with {@code name} set to a copy of {@code value}. */
    public StixObject with(String name, JsonNode value) {
        ObjectNode copy = json.deepCopy();
        copy.set(name, value.deepCopy());
        return new StixObject(copy);
    }

    /** A copy with {@code name} set to the string {@code value}. */
    public StixObject with(String name, String value) {
        return with(name, JsonNodeFactory.instance.stringNode(value));
    }

    /** A copy without {@code name}. */
    public StixObject without(String name) {
        if (!json.has(name)) return this;
        ObjectNode copy = json.deepCopy();
        copy.remove(name);
        return new StixObject(copy);
    }

    /** The version key; see {@link VersionKey#of(StixObject, StixTimestamp)}. */
    public VersionKey versionKey(StixTimestamp dateAdded) {
        return VersionKey.of(this, dateAdded);
    }

    // ---------------------------------------------------------------- serialisation

    /** RFC 8785 canonical JSON: equal for objects that are equal as JSON, whatever their property order. */
    public String canonicalJson() {
        return CanonicalJson.of(json);
    }

    /** Compact JSON text. */
    public String toJson() {
        return text != null ? text : StixJson.MAPPER.writeValueAsString(json);
    }

    /** Compact JSON as UTF-8 bytes. */
    public byte[] toJsonBytes() {
        return text != null ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8) : StixJson.MAPPER.writeValueAsBytes(json);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StixObject other && json.equals(other.json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }

    // ---------------------------------------------------------------- internals

    private String text(String name) {
        return text(json, name);
    }

    static String text(JsonNode parent, String name) {
        if (parent == null) return null;
        JsonNode node = parent.get(name);
        return node != null && node.isString() ? node.stringValue() : null;
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || !node.isArray()) return List.of();
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode element : node) if (element.isString()) out.add(element.stringValue());
        return Collections.unmodifiableList(out);
    }
}
