package org.renkei.stix;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The property tables of the STIX 2.1 specification (sections 3–7), in a compact notation
 * so that the tables can be read side by side with the spec:
 * {@code name:kind(allowed reference targets)[min,max]!} where {@code !} marks a required
 * property. Kinds: {@code s} string, {@code b} boolean, {@code i} integer, {@code f}
 * number, {@code t} timestamp, {@code sl} list of strings, {@code r} identifier,
 * {@code rl} list of identifiers, {@code o} dictionary, {@code ol} list of objects,
 * {@code kc} kill-chain phases, {@code h} hashes, {@code x} hex string, {@code bin} base64.
 * Reference targets are type names or the categories {@code SDO}, {@code SCO}.
 */
final class PropertyRules {

    enum Kind { STRING, BOOLEAN, INTEGER, NUMBER, TIMESTAMP, STRING_LIST, REF, REF_LIST, DICTIONARY, OBJECT_LIST,
        KILL_CHAIN, HASHES, HEX, BASE64 }

    /** One property's rule. {@code targets} null means any type; bounds null means unbounded. */
    record Rule(String name, Kind kind, Set<String> targets, BigDecimal min, BigDecimal max, boolean required) {}

    private static final Pattern RULE = Pattern.compile("([a-z0-9_]+):([a-z]+)(?:\\(([^)]*)\\))?(?:\\[([^]]*)])?(!)?");

    static final Map<String, Rule> COMMON = parse("""
            type:s id:s spec_version:s created:t modified:t created_by_ref:r(identity) revoked:b labels:sl
            confidence:i[0,100] lang:s object_marking_refs:rl(marking-definition) defanged:b
            """);

    private static final String IP_RESOLVES = "resolves_to_refs:rl(mac-addr) belongs_to_refs:rl(autonomous-system)";
    private static final String ADDRESS_TARGETS = "(ipv4-addr|ipv6-addr|mac-addr|domain-name)";

    static final Map<String, Map<String, Rule>> BY_TYPE = new HashMap<>();

    /** The required rules of each type, precomputed because validation asks per object. */
    static final Map<String, List<Rule>> REQUIRED = new HashMap<>();

    static {
        define("attack-pattern", "name:s! description:s aliases:sl kill_chain_phases:kc");
        define("campaign", "name:s! description:s aliases:sl first_seen:t last_seen:t objective:s");
        define("course-of-action", "name:s! description:s");
        define("grouping", "name:s description:s context:s! object_refs:rl!");
        define("identity", "name:s! description:s roles:sl identity_class:s sectors:sl contact_information:s");
        define("incident", "name:s! description:s kill_chain_phases:kc");
        define("indicator", """
                name:s description:s indicator_types:sl pattern:s! pattern_type:s! pattern_version:s valid_from:t!
                valid_until:t kill_chain_phases:kc""");
        define("infrastructure", """
                name:s! description:s infrastructure_types:sl aliases:sl kill_chain_phases:kc first_seen:t last_seen:t""");
        define("intrusion-set", """
                name:s! description:s aliases:sl first_seen:t last_seen:t goals:sl resource_level:s
                primary_motivation:s secondary_motivations:sl""");
        define("location", """
                name:s description:s latitude:f[-90,90] longitude:f[-180,180] precision:f[0,] region:s country:s
                administrative_area:s city:s street_address:s postal_code:s""");
        define("malware", """
                name:s description:s malware_types:sl is_family:b! aliases:sl kill_chain_phases:kc first_seen:t
                last_seen:t operating_system_refs:rl(software) architecture_execution_envs:sl
                implementation_languages:sl capabilities:sl sample_refs:rl(file|artifact)""");
        define("malware-analysis", """
                product:s! version:s host_vm_ref:r(software) operating_system_ref:r(software)
                installed_software_refs:rl(software) configuration_version:s modules:sl analysis_engine_version:s
                analysis_definition_version:s submitted:t analysis_started:t analysis_ended:t result_name:s result:s
                analysis_sco_refs:rl(SCO) sample_ref:r(file|artifact|network-traffic)""");
        define("note", "abstract:s content:s! authors:sl object_refs:rl!");
        define("observed-data", """
                first_observed:t! last_observed:t! number_observed:i[1,999999999]! objects:o
                object_refs:rl(SCO|relationship)""");
        define("opinion", "explanation:s authors:sl opinion:s! object_refs:rl!");
        define("report", "name:s! description:s report_types:sl published:t! object_refs:rl!");
        define("threat-actor", """
                name:s! description:s threat_actor_types:sl aliases:sl first_seen:t last_seen:t roles:sl goals:sl
                sophistication:s resource_level:s primary_motivation:s secondary_motivations:sl
                personal_motivations:sl""");
        define("tool", "name:s! description:s tool_types:sl aliases:sl kill_chain_phases:kc tool_version:s");
        define("vulnerability", "name:s! description:s");

        define("relationship", """
                relationship_type:s! description:s source_ref:r(SDO|SCO)! target_ref:r(SDO|SCO)! start_time:t
                stop_time:t""");
        define("sighting", """
                description:s first_seen:t last_seen:t count:i[0,999999999] sighting_of_ref:r(SDO)!
                observed_data_refs:rl(observed-data) where_sighted_refs:rl(identity|location) summary:b""");

        define("language-content", "object_ref:r! object_modified:t contents:o!");
        define("marking-definition", "name:s definition_type:s definition:o");
        define("extension-definition", """
                name:s! description:s schema:s! version:s! extension_types:sl! extension_properties:sl""");

        define("artifact", """
                mime_type:s payload_bin:bin url:s hashes:h encryption_algorithm:s decryption_key:s""");
        define("autonomous-system", "number:i[0,]! name:s rir:s");
        define("directory", "path:s! path_enc:s ctime:t mtime:t atime:t contains_refs:rl(file|directory)");
        define("domain-name", "value:s! resolves_to_refs:rl(ipv4-addr|ipv6-addr|domain-name)");
        define("email-addr", "value:s! display_name:s belongs_to_ref:r(user-account)");
        define("email-message", """
                is_multipart:b! date:t content_type:s from_ref:r(email-addr) sender_ref:r(email-addr)
                to_refs:rl(email-addr) cc_refs:rl(email-addr) bcc_refs:rl(email-addr) message_id:s subject:s
                received_lines:sl additional_header_fields:o body:s body_multipart:ol raw_email_ref:r(artifact)""");
        define("file", """
                hashes:h size:i[0,] name:s name_enc:s magic_number_hex:x mime_type:s ctime:t mtime:t atime:t
                parent_directory_ref:r(directory) contains_refs:rl(SCO) content_ref:r(artifact)""");
        define("ipv4-addr", "value:s! " + IP_RESOLVES);
        define("ipv6-addr", "value:s! " + IP_RESOLVES);
        define("mac-addr", "value:s!");
        define("mutex", "name:s!");
        define("network-traffic", """
                start:t end:t is_active:b src_ref:r%1$s dst_ref:r%1$s src_port:i[0,65535] dst_port:i[0,65535]
                protocols:sl! src_byte_count:i[0,] dst_byte_count:i[0,] src_packets:i[0,] dst_packets:i[0,] ipfix:o
                src_payload_ref:r(artifact) dst_payload_ref:r(artifact) encapsulates_refs:rl(network-traffic)
                encapsulated_by_ref:r(network-traffic)""".formatted(ADDRESS_TARGETS));
        define("process", """
                is_hidden:b pid:i command_line:s created_time:t cwd:s environment_variables:o
                opened_connection_refs:rl(network-traffic) creator_user_ref:r(user-account) image_ref:r(file)
                parent_ref:r(process) child_refs:rl(process)""");
        define("software", "name:s! cpe:s swid:s languages:sl vendor:s version:s");
        define("url", "value:s!");
        define("user-account", """
                user_id:s credential:s account_login:s account_type:s display_name:s is_service_account:b
                is_privileged:b can_escalate_privs:b is_disabled:b account_created:t account_expires:t
                credential_last_changed:t account_first_login:t account_last_login:t""");
        define("windows-registry-key", """
                key:s values:ol modified_time:t creator_user_ref:r(user-account) number_of_subkeys:i[0,]""");
        define("x509-certificate", """
                is_self_signed:b hashes:h version:s serial_number:s signature_algorithm:s issuer:s
                validity_not_before:t validity_not_after:t subject:s subject_public_key_algorithm:s
                subject_public_key_modulus:s subject_public_key_exponent:i x509_v3_extensions:o""");
    }

    private PropertyRules() {}

    private static void define(String type, String table) {
        Map<String, Rule> rules = parse(table);
        BY_TYPE.put(type, rules);
        REQUIRED.put(type, rules.values().stream().filter(Rule::required).toList());
    }

    private static Map<String, Rule> parse(String table) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (String entry : table.trim().split("\\s+")) {
            Matcher m = RULE.matcher(entry);
            if (!m.matches()) throw new IllegalStateException("bad property rule " + entry);
            Kind kind = switch (m.group(2)) {
                case "s" -> Kind.STRING;
                case "b" -> Kind.BOOLEAN;
                case "i" -> Kind.INTEGER;
                case "f" -> Kind.NUMBER;
                case "t" -> Kind.TIMESTAMP;
                case "sl" -> Kind.STRING_LIST;
                case "r" -> Kind.REF;
                case "rl" -> Kind.REF_LIST;
                case "o" -> Kind.DICTIONARY;
                case "ol" -> Kind.OBJECT_LIST;
                case "kc" -> Kind.KILL_CHAIN;
                case "h" -> Kind.HASHES;
                case "x" -> Kind.HEX;
                case "bin" -> Kind.BASE64;
                default -> throw new IllegalStateException("bad kind in " + entry);
            };
            Set<String> targets = m.group(3) == null ? null : Set.of(m.group(3).split("\\|"));
            BigDecimal min = null, max = null;
            if (m.group(4) != null) {
                String[] bounds = m.group(4).split(",", -1);
                if (!bounds[0].isEmpty()) min = new BigDecimal(bounds[0]);
                if (!bounds[1].isEmpty()) max = new BigDecimal(bounds[1]);
            }
            rules.put(m.group(1), new Rule(m.group(1), kind, targets, min, max, m.group(5) != null));
        }
        return java.util.Collections.unmodifiableMap(rules);
    }
}
