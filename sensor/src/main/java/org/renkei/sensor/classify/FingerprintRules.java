package org.renkei.sensor.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The versioned rule data: fingerprints in priority order (first match wins, so
 * specific tools come before generic families) and the UDP service ports whose
 * replies are backscatter. Loaded from {@code fingerprints.json} on the classpath or
 * from a file the operator supplies.
 */
public record FingerprintRules(
        String version,
        List<Rule> fingerprints,
        @JsonProperty("backscatter_udp_source_ports") List<Integer> backscatterUdpSourcePorts) {

    /**
     * One fingerprint. Null fields do not constrain. {@code ipId} is a number or
     * {@code "masscan"} for Masscan's (dst IP ^ dst port ^ seq) & 0xFFFF.
     */
    public record Rule(
            String id,
            String description,
            String protocol,
            @JsonProperty("tcp_flags") String tcpFlags,
            @JsonProperty("seq_equals_dst") Boolean seqEqualsDst,
            @JsonProperty("ip_id") String ipId,
            Integer window,
            @JsonProperty("tcp_options_length") Integer tcpOptionsLength,
            @JsonProperty("ttl_min") Integer ttlMin,
            @JsonProperty("probe_only") Boolean probeOnly) {
    }

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** The rules shipped with the sensor. */
    public static FingerprintRules builtIn() {
        try (InputStream in = FingerprintRules.class.getResourceAsStream("fingerprints.json")) {
            if (in == null) throw new IllegalStateException("fingerprints.json missing from the sensor jar");
            return MAPPER.readValue(in, FingerprintRules.class);
        } catch (IOException | JacksonException e) {
            throw new IllegalStateException("built-in fingerprints.json is unreadable: " + e.getMessage(), e);
        }
    }

    public static FingerprintRules load(Path file) throws IOException {
        try {
            return MAPPER.readValue(Files.readAllBytes(file), FingerprintRules.class);
        } catch (JacksonException e) {
            throw new IOException(file + " is not a valid fingerprint rule file: " + e.getOriginalMessage()
                    + ". Start from the built-in fingerprints.json documented in docs/sensor.md.", e);
        }
    }
}
