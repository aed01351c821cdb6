package org.renkei.stix;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The example objects under {@code src/test/resources/stix/examples}, modelled on the spec's own examples. */
final class SpecExamples {

    static final List<String> NAMES = List.of(
            "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator",
            "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note", "observed-data",
            "opinion", "report", "threat-actor", "tool", "vulnerability",
            "relationship", "sighting",
            "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message", "file",
            "file-with-extension", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
            "software", "url", "user-account", "windows-registry-key", "x509-certificate",
            "language-content", "marking-definition", "marking-definition-statement", "marking-definition-tlp2",
            "extension-definition", "new-sdo-by-extension", "property-extension", "x-custom-object",
            "custom-properties");

    private SpecExamples() {}

    static String text(String name) {
        try (InputStream in = SpecExamples.class.getResourceAsStream("/stix/examples/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("no example " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StixObject object(String name) {
        return StixObject.parse(text(name));
    }
}
