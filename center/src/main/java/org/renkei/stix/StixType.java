package org.renkei.stix;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The object types the STIX 2.1 specification defines, with their category. */
public enum StixType {
    ATTACK_PATTERN("attack-pattern", StixCategory.SDO),
    CAMPAIGN("campaign", StixCategory.SDO),
    COURSE_OF_ACTION("course-of-action", StixCategory.SDO),
    GROUPING("grouping", StixCategory.SDO),
    IDENTITY("identity", StixCategory.SDO),
    INCIDENT("incident", StixCategory.SDO),
    INDICATOR("indicator", StixCategory.SDO),
    INFRASTRUCTURE("infrastructure", StixCategory.SDO),
    INTRUSION_SET("intrusion-set", StixCategory.SDO),
    LOCATION("location", StixCategory.SDO),
    MALWARE("malware", StixCategory.SDO),
    MALWARE_ANALYSIS("malware-analysis", StixCategory.SDO),
    NOTE("note", StixCategory.SDO),
    OBSERVED_DATA("observed-data", StixCategory.SDO),
    OPINION("opinion", StixCategory.SDO),
    REPORT("report", StixCategory.SDO),
    THREAT_ACTOR("threat-actor", StixCategory.SDO),
    TOOL("tool", StixCategory.SDO),
    VULNERABILITY("vulnerability", StixCategory.SDO),

    RELATIONSHIP("relationship", StixCategory.SRO),
    SIGHTING("sighting", StixCategory.SRO),

    ARTIFACT("artifact", StixCategory.SCO),
    AUTONOMOUS_SYSTEM("autonomous-system", StixCategory.SCO),
    DIRECTORY("directory", StixCategory.SCO),
    DOMAIN_NAME("domain-name", StixCategory.SCO),
    EMAIL_ADDR("email-addr", StixCategory.SCO),
    EMAIL_MESSAGE("email-message", StixCategory.SCO),
    FILE("file", StixCategory.SCO),
    IPV4_ADDR("ipv4-addr", StixCategory.SCO),
    IPV6_ADDR("ipv6-addr", StixCategory.SCO),
    MAC_ADDR("mac-addr", StixCategory.SCO),
    MUTEX("mutex", StixCategory.SCO),
    NETWORK_TRAFFIC("network-traffic", StixCategory.SCO),
    PROCESS("process", StixCategory.SCO),
    SOFTWARE("software", StixCategory.SCO),
    URL("url", StixCategory.SCO),
    USER_ACCOUNT("user-account", StixCategory.SCO),
    WINDOWS_REGISTRY_KEY("windows-registry-key", StixCategory.SCO),
    X509_CERTIFICATE("x509-certificate", StixCategory.SCO),

    LANGUAGE_CONTENT("language-content", StixCategory.META),
    MARKING_DEFINITION("marking-definition", StixCategory.META),
    EXTENSION_DEFINITION("extension-definition", StixCategory.META);

    private static final Map<String, StixType> BY_NAME = new HashMap<>();

    static {
        for (StixType type : values()) BY_NAME.put(type.typeName, type);
    }

    private final String typeName;
    private final StixCategory category;

    StixType(String typeName, StixCategory category) {
        this.typeName = typeName;
        this.category = category;
    }

    /** The value of the {@code type} property. */
    public String typeName() {
        return typeName;
    }

    public StixCategory category() {
        return category;
    }

    /** The core type named {@code typeName}; empty for custom and unknown types. */
    public static Optional<StixType> of(String typeName) {
        return Optional.ofNullable(BY_NAME.get(typeName));
    }

    /** Like {@link #of} but {@code null} when unknown, for hot paths. */
    static StixType orNull(String typeName) {
        return typeName == null ? null : BY_NAME.get(typeName);
    }
}
