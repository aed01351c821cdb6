package org.renkei.stix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Deterministic identifiers of STIX Cyber-observable Objects (STIX 2.1 section 2.9):
 * a UUIDv5 in the namespace {@code 00abedb4-aa42-466c-9c01-fed23315a9b7} whose name is the
 * RFC 8785 canonical JSON of the object's "ID contributing properties", so that two
 * producers who see the same IP address give it the same id.
 *
 * <p>Where contributing properties include {@code hashes}, only one hash goes in, picked in
 * the order MD5, SHA-1, SHA-256, SHA-512 and otherwise the lexically first algorithm
 * name, the choice of the OASIS reference implementation (cti-python-stix2) with which the
 * spec's examples were made. Types without contributing properties ({@code process}),
 * custom types and SCOs in which none of the properties is present get random (v4) ids.
 */
public final class DeterministicId {

    /** The namespace the spec reserves for SCO ids. */
    public static final UUID NAMESPACE = UUID.fromString("00abedb4-aa42-466c-9c01-fed23315a9b7");

    private static final Map<String, List<String>> CONTRIBUTING = Map.ofEntries(
            Map.entry("artifact", List.of("hashes", "payload_bin")),
            Map.entry("autonomous-system", List.of("number")),
            Map.entry("directory", List.of("path")),
            Map.entry("domain-name", List.of("value")),
            Map.entry("email-addr", List.of("value")),
            Map.entry("email-message", List.of("from_ref", "subject", "body")),
            Map.entry("file", List.of("hashes", "name", "extensions", "parent_directory_ref")),
            Map.entry("ipv4-addr", List.of("value")),
            Map.entry("ipv6-addr", List.of("value")),
            Map.entry("mac-addr", List.of("value")),
            Map.entry("mutex", List.of("name")),
            Map.entry("network-traffic", List.of("start", "end", "src_ref", "dst_ref", "src_port", "dst_port",
                    "protocols", "extensions")),
            Map.entry("process", List.of()),
            Map.entry("software", List.of("name", "cpe", "swid", "vendor", "version")),
            Map.entry("url", List.of("value")),
            Map.entry("user-account", List.of("account_type", "user_id", "account_login")),
            Map.entry("windows-registry-key", List.of("key", "values")),
            Map.entry("x509-certificate", List.of("hashes", "serial_number")));

    private static final List<String> HASH_PREFERENCE = List.of("MD5", "SHA-1", "SHA-256", "SHA-512");

    private DeterministicId() {}

    /** The ID contributing properties of an SCO type; empty for {@code process} and non-SCO types. */
    public static List<String> contributingProperties(String type) {
        return type == null ? List.of() : CONTRIBUTING.getOrDefault(type, List.of());
    }

    /**
     * The deterministic id of {@code sco}, or empty when the spec gives it none (not an SCO
     * type the spec defines, no contributing properties, or none of them present).
     */
    public static Optional<StixId> compute(StixObject sco) {
        String type = sco.type();
        ObjectNode contributing = contributingJson(sco);
        if (contributing == null) return Optional.empty();
        return Optional.of(new StixId(type, uuidV5(NAMESPACE, CanonicalJson.of(contributing))));
    }

    /** The JSON object that is hashed, or {@code null}; exposed for diagnostics and tests. */
    static ObjectNode contributingJson(StixObject sco) {
        List<String> properties = contributingProperties(sco.type());
        if (properties.isEmpty()) return null;
        ObjectNode source = sco.node();
        ObjectNode contributing = JsonNodeFactory.instance.objectNode();
        for (String property : properties) {
            JsonNode value = source.get(property);
            if (value == null || value.isNull()) continue;
            if (property.equals("hashes") && value.isObject()) {
                value = oneHash(value);
                if (value == null) continue;
            }
            contributing.set(property, value);
        }
        return contributing.isEmpty() ? null : contributing;
    }

    private static JsonNode oneHash(JsonNode hashes) {
        for (String algorithm : HASH_PREFERENCE) {
            if (hashes.has(algorithm)) return JsonNodeFactory.instance.objectNode().set(algorithm, hashes.get(algorithm));
        }
        String first = hashes.propertyNames().stream().sorted().findFirst().orElse(null);
        return first == null ? null : JsonNodeFactory.instance.objectNode().set(first, hashes.get(first));
    }

    /** RFC 4122 section 4.3 name-based UUID with SHA-1. */
    public static UUID uuidV5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16)
                .putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }
}
