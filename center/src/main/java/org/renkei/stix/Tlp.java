package org.renkei.stix;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Traffic Light Protocol levels of FIRST TLP 2.0, ordered from least to most
 * restrictive, with their STIX marking definitions.
 *
 * <p>Both marking vocabularies found in STIX content are recognised: the TLP 2.0
 * marking definitions published with the STIX extension
 * {@code extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d}, and the four TLP 1.0
 * definitions of the STIX 2.1 specification (section 7.2.1.4), mapped as TLP 2.0 says:
 * WHITE → CLEAR, GREEN → GREEN, AMBER → AMBER, RED → RED.
 *
 * <p>An object without any TLP marking has no level here ({@link Optional#empty()}); the
 * access policy treats that as AMBER. That rule belongs to the policy, not to this type.
 */
public enum Tlp {
    CLEAR("clear", "TLP:CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"),
    GREEN("green", "TLP:GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"),
    AMBER("amber", "TLP:AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"),
    AMBER_STRICT("amber+strict", "TLP:AMBER+STRICT", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            null, null),
    RED("red", "TLP:RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red");

    /** The extension definition that TLP 2.0 marking definitions use. */
    public static final String TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    private static final String TLP2_CREATED = "2022-10-01T00:00:00.000Z";
    private static final String TLP1_CREATED = "2017-01-20T00:00:00.000Z";
    private static final Map<String, Tlp> BY_MARKING_ID = new HashMap<>();

    static {
        for (Tlp tlp : values()) {
            BY_MARKING_ID.put(tlp.markingDefinitionId, tlp);
            if (tlp.tlp1MarkingDefinitionId != null) BY_MARKING_ID.put(tlp.tlp1MarkingDefinitionId, tlp);
        }
    }

    private final String wireName;
    private final String label;
    private final String markingDefinitionId;
    private final String tlp1MarkingDefinitionId;
    private final String tlp1Name;

    Tlp(String wireName, String label, String markingDefinitionId, String tlp1MarkingDefinitionId, String tlp1Name) {
        this.wireName = wireName;
        this.label = label;
        this.markingDefinitionId = markingDefinitionId;
        this.tlp1MarkingDefinitionId = tlp1MarkingDefinitionId;
        this.tlp1Name = tlp1Name;
    }

    /** The value of the extension's {@code tlp_2_0} property: clear, green, amber, amber+strict, red. */
    public String wireName() {
        return wireName;
    }

    /** {@code TLP:CLEAR} … {@code TLP:RED}. */
    public String label() {
        return label;
    }

    /** The id of the TLP 2.0 marking definition. */
    public String markingDefinitionId() {
        return markingDefinitionId;
    }

    /** The id of the TLP 1.0 marking definition that maps to this level; empty for AMBER_STRICT. */
    public Optional<String> tlp1MarkingDefinitionId() {
        return Optional.ofNullable(tlp1MarkingDefinitionId);
    }

    /** Whether this level is more restrictive than {@code other}. */
    public boolean isMoreRestrictiveThan(Tlp other) {
        return compareTo(other) > 0;
    }

    /** The level of a TLP 2.0 or 1.0 marking-definition id; empty for other ids. */
    public static Optional<Tlp> fromMarkingDefinitionId(String id) {
        return Optional.ofNullable(id == null ? null : BY_MARKING_ID.get(id));
    }

    /**
     * The most restrictive TLP level among {@code markingRefs} (typically an object's
     * {@code object_marking_refs}); empty when none of them is a TLP marking.
     */
    public static Optional<Tlp> fromMarkingRefs(Collection<String> markingRefs) {
        Tlp most = null;
        for (String ref : markingRefs) {
            Tlp tlp = BY_MARKING_ID.get(ref);
            if (tlp != null && (most == null || tlp.isMoreRestrictiveThan(most))) most = tlp;
        }
        return Optional.ofNullable(most);
    }

    /** The object's TLP level from its {@code object_marking_refs}. */
    public static Optional<Tlp> of(StixObject object) {
        return fromMarkingRefs(object.objectMarkingRefs());
    }

    /**
     * The level a marking-definition object states, whatever its id: by the TLP 2.0
     * extension's {@code tlp_2_0} value or by a TLP 1.0 {@code definition.tlp}. Some
     * producers mint their own ids for TLP markings; this recognises them by content.
     */
    public static Optional<Tlp> fromMarkingDefinition(StixObject markingDefinition) {
        if (!"marking-definition".equals(markingDefinition.type())) return Optional.empty();
        Optional<Tlp> byId = fromMarkingDefinitionId(markingDefinition.rawId());
        if (byId.isPresent()) return byId;
        JsonNode extension = markingDefinition.extensions().get(TLP2_EXTENSION_ID);
        String tlp2 = StixObject.text(extension, "tlp_2_0");
        if (tlp2 != null) {
            for (Tlp tlp : values()) if (tlp.wireName.equalsIgnoreCase(tlp2)) return Optional.of(tlp);
        }
        if ("tlp".equals(markingDefinition.stringProperty("definition_type").orElse(null))) {
            String tlp1 = StixObject.text(markingDefinition.property("definition").orElse(null), "tlp");
            for (Tlp tlp : values()) if (tlp.tlp1Name != null && tlp.tlp1Name.equalsIgnoreCase(tlp1)) return Optional.of(tlp);
        }
        return Optional.empty();
    }

    /** The TLP 2.0 marking-definition object for this level, as published with the extension. */
    public StixObject markingDefinition() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", "marking-definition");
        json.put("spec_version", "2.1");
        json.put("id", markingDefinitionId);
        json.put("created", TLP2_CREATED);
        json.put("name", label);
        ObjectNode extension = json.putObject("extensions").putObject(TLP2_EXTENSION_ID);
        extension.put("extension_type", "property-extension");
        extension.put("tlp_2_0", wireName);
        return StixObject.adopt(json);
    }

    /** The TLP 1.0 marking-definition object of the STIX 2.1 specification; empty for AMBER_STRICT. */
    public Optional<StixObject> tlp1MarkingDefinition() {
        if (tlp1MarkingDefinitionId == null) return Optional.empty();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", "marking-definition");
        json.put("spec_version", "2.1");
        json.put("id", tlp1MarkingDefinitionId);
        json.put("created", TLP1_CREATED);
        json.put("definition_type", "tlp");
        json.put("name", "TLP:" + tlp1Name.toUpperCase(java.util.Locale.ROOT));
        json.putObject("definition").put("tlp", tlp1Name);
        return Optional.of(StixObject.adopt(json));
    }

    /** The five TLP 2.0 marking definitions, CLEAR to RED, for serving to TAXII clients. */
    public static List<StixObject> markingDefinitions() {
        return java.util.Arrays.stream(values()).map(Tlp::markingDefinition).toList();
    }

    /** The four TLP 1.0 marking definitions, WHITE, GREEN, AMBER, RED. */
    public static List<StixObject> tlp1MarkingDefinitions() {
        return java.util.Arrays.stream(values()).flatMap(t -> t.tlp1MarkingDefinition().stream()).toList();
    }

    /** Parses {@code clear}, {@code TLP:AMBER+STRICT}, {@code amber_strict} … case-insensitively. */
    public static Optional<Tlp> fromName(String name) {
        if (name == null) return Optional.empty();
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("tlp:")) n = n.substring(4);
        n = n.replace('_', '+').replace(' ', '+');
        if (n.equals("white")) return Optional.of(CLEAR);
        for (Tlp tlp : values()) if (tlp.wireName.equals(n)) return Optional.of(tlp);
        return Optional.empty();
    }
}
