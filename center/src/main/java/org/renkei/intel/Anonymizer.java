package org.renkei.intel;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.renkei.access.Member;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Makes an anonymous submission say nothing about who submitted it (連絡元の匿名化).
 * What others see:
 * <ul>
 * <li>{@code created_by_ref} is the center's identity;</li>
 * <li>identity objects that stand for the submitter are withheld;</li>
 * <li>any other reference to those identities is replaced by the center's
 *     ({@code *_ref}) or dropped ({@code *_refs}, e.g. a sighting's where_sighted_refs);</li>
 * <li>external references that name the submitter are dropped;</li>
 * <li>in every free-text string (description, name, notes, custom properties...):
 *     e-mail addresses, phone numbers, IP addresses inside the submitter's own
 *     ranges and the submitter's name are replaced by a placeholder.</li>
 * </ul>
 * Identifiers, timestamps, vocabularies and patterns are not free text and are kept.
 */
final class Anonymizer {
    static final String REDACTED = "[redacted]";
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    // 9 to 15 digits with the separators phone numbers are written with; not preceded by a
    // letter, digit or hyphen so that identifiers such as CVE-2021-44228 stay.
    private static final Pattern PHONE = Pattern.compile("(?<![\\w.-])\\+?\\(?\\d[\\d ()-]{7,20}\\d(?![\\w.])");
    // an address may end a sentence ("... is 192.0.2.45."), so only a digit or ".digit" after it disqualifies
    private static final Pattern IPV4 = Pattern.compile("(?<!\\d)(?<!\\d\\.)(?:\\d{1,3}\\.){3}\\d{1,3}(?!\\.?\\d)");
    private static final Pattern IPV6 = Pattern.compile("(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])");
    /** Properties whose string values are not free text. */
    private static final Set<String> NOT_TEXT = Set.of("id", "type", "spec_version", "created", "modified",
            "valid_from", "valid_until", "first_seen", "last_seen", "first_observed", "last_observed", "published",
            "pattern", "pattern_type", "pattern_version", "lang", "hashes", "definition_type", "extension_types",
            "relationship_type", "identity_class", "labels");

    private final String centerIdentity;

    Anonymizer(String centerIdentity) {
        this.centerIdentity = centerIdentity;
    }

    /** The identities that stand for the submitter in a submission: its own, and those it declared as creator. */
    static Set<String> hiddenIdentities(Member submitter, List<org.renkei.stix.StixObject> objects) {
        Set<String> hidden = new java.util.HashSet<>();
        hidden.add(submitter.identityId());
        for (var o : objects) {
            o.stringProperty("created_by_ref").filter(by -> by.startsWith("identity--")).ifPresent(hidden::add);
        }
        return hidden;
    }

    /** The shared form of one object, or null when the object itself must be withheld. */
    ObjectNode anonymize(ObjectNode original, Member submitter, Set<String> hidden) {
        JsonNode id = original.get("id");
        if (id != null && id.isString() && hidden.contains(id.asString())) {
            return null;
        }
        ObjectNode o = original.deepCopy();
        Scrubber scrubber = new Scrubber(submitter);
        walk(o, hidden, scrubber);
        o.put("created_by_ref", centerIdentity);
        return o;
    }

    private void walk(ObjectNode o, Set<String> hidden, Scrubber scrubber) {
        List<String> remove = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("external_references") && v.isArray()) {
                ArrayNode refs = (ArrayNode) v;
                for (int i = refs.size() - 1; i >= 0; i--) {
                    if (names(refs.get(i), scrubber, hidden)) {
                        refs.remove(i);
                    }
                }
                if (v.isEmpty()) {
                    remove.add(key);
                    continue;
                }
            }
            if (key.endsWith("_ref") && v.isString()) {
                if (hidden.contains(v.asString())) {
                    o.put(key, centerIdentity);
                }
            } else if (key.endsWith("_refs") && v.isArray()) {
                ArrayNode refs = (ArrayNode) v;
                for (int i = refs.size() - 1; i >= 0; i--) {
                    if (refs.get(i).isString() && hidden.contains(refs.get(i).asString())) {
                        refs.remove(i);
                    }
                }
                if (v.isEmpty()) {
                    remove.add(key);
                }
            } else if (NOT_TEXT.contains(key)) {
                continue;
            } else if (v.isString()) {
                String s = scrubber.scrub(v.asString());
                if (!s.equals(v.asString())) {
                    o.set(key, StringNode.valueOf(s));
                }
            } else if (v.isObject()) {
                walk((ObjectNode) v, hidden, scrubber);
            } else if (v.isArray()) {
                walkArray((ArrayNode) v, hidden, scrubber);
            }
        }
        remove.forEach(o::remove);
    }

    private void walkArray(ArrayNode a, Set<String> hidden, Scrubber scrubber) {
        for (int i = 0; i < a.size(); i++) {
            JsonNode v = a.get(i);
            if (v.isString()) {
                String s = scrubber.scrub(v.asString());
                if (!s.equals(v.asString())) {
                    a.set(i, StringNode.valueOf(s));
                }
            } else if (v.isObject()) {
                walk((ObjectNode) v, hidden, scrubber);
            } else if (v.isArray()) {
                walkArray((ArrayNode) v, hidden, scrubber);
            }
        }
    }

    /** Does an external reference name the submitter (its name, identity, or contact details)? */
    private static boolean names(JsonNode ref, Scrubber scrubber, Set<String> hidden) {
        if (!ref.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : ref.properties()) {
            if (e.getValue().isString()) {
                String s = e.getValue().asString();
                if (hidden.contains(s) || scrubber.mentionsSubmitter(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Scrubs the free text of one submitter. */
    static final class Scrubber {
        private final String nameLower;
        private final List<IPAddress> ranges = new ArrayList<>();

        Scrubber(Member submitter) {
            this.nameLower = submitter.name().toLowerCase(Locale.ROOT);
            for (String c : submitter.cidrs()) {
                IPAddress a = new IPAddressString(c).getAddress();
                if (a != null) {
                    ranges.add(a.toPrefixBlock());
                }
            }
        }

        boolean mentionsSubmitter(String s) {
            return !nameLower.isBlank() && s.toLowerCase(Locale.ROOT).contains(nameLower);
        }

        String scrub(String s) {
            String out = EMAIL.matcher(s).replaceAll(REDACTED);
            out = replaceOwnAddresses(IPV4, out);
            out = replaceOwnAddresses(IPV6, out);
            out = PHONE.matcher(out).replaceAll(m -> digits(m.group()) >= 9 ? REDACTED : Matcher.quoteReplacement(m.group()));
            if (!nameLower.isBlank()) {
                out = Pattern.compile(Pattern.quote(nameLower), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                        .matcher(out).replaceAll(REDACTED);
            }
            return out;
        }

        private String replaceOwnAddresses(Pattern p, String s) {
            if (ranges.isEmpty()) {
                return s;
            }
            return p.matcher(s).replaceAll(m -> {
                IPAddress a = new IPAddressString(m.group()).getAddress();
                if (a != null) {
                    for (IPAddress r : ranges) {
                        if (r.getIPVersion() == a.getIPVersion() && r.contains(a)) {
                            return REDACTED;
                        }
                    }
                }
                return Matcher.quoteReplacement(m.group());
            });
        }

        private static int digits(String s) {
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                if (Character.isDigit(s.charAt(i))) {
                    n++;
                }
            }
            return n;
        }
    }
}
