package org.renkei.sensor.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.renkei.sensor.synth.PacketBuilder.ip;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.decode.PacketDecoder;
import org.renkei.sensor.synth.PacketBuilder;

class PacketClassifierTest {
    private final PacketClassifier classifier = PacketClassifier.builtIn();
    private final DecodedPacket p = new DecodedPacket();
    private static final int SRC = ip(45, 1, 2, 3), DST = ip(10, 20, 30, 40);

    private PacketClass classOf(PacketBuilder b) {
        byte[] bytes = b.copy();
        PacketDecoder.decode(MemorySegment.ofArray(bytes), 0, bytes.length, 1, p);
        return classifier.classify(p);
    }

    private String fingerprintOf(PacketBuilder b) {
        PacketClass c = classOf(b);
        int f = classifier.fingerprint(p, c);
        return f < 0 ? "none" : classifier.fingerprintId(f);
    }

    private static PacketBuilder syn() {
        PacketBuilder b = new PacketBuilder().tcp(SRC, DST, 51000, 23, DecodedPacket.SYN);
        b.tcpOptionsLength = 20;
        b.seq = 12345;
        b.ttl = 52;
        b.ipId = 999;
        return b;
    }

    @Test
    void synAloneIsASynProbe() {
        assertThat(classOf(syn())).isEqualTo(PacketClass.TCP_SYN_PROBE);
        PacketBuilder ecn = syn();
        ecn.tcpFlags = DecodedPacket.SYN | DecodedPacket.ECE | DecodedPacket.CWR;
        assertThat(classOf(ecn)).isEqualTo(PacketClass.TCP_SYN_PROBE);
    }

    @Test
    void synAckRstAndRstAckAreBackscatter() {
        for (int flags : new int[] {DecodedPacket.SYN | DecodedPacket.ACK, DecodedPacket.RST, DecodedPacket.RST | DecodedPacket.ACK}) {
            assertThat(classOf(new PacketBuilder().tcp(SRC, DST, 80, 40000, flags))).as("flags %x", flags).isEqualTo(PacketClass.BACKSCATTER);
        }
    }

    @Test
    void ackOrFinAloneIsOtherTcp() {
        assertThat(classOf(new PacketBuilder().tcp(SRC, DST, 80, 40000, DecodedPacket.ACK))).isEqualTo(PacketClass.TCP_OTHER);
        assertThat(classOf(new PacketBuilder().tcp(SRC, DST, 80, 40000, DecodedPacket.FIN))).isEqualTo(PacketClass.TCP_OTHER);
    }

    @Test
    void impossibleFlagCombinationsAreInvalid() {
        for (int flags : new int[] {DecodedPacket.SYN | DecodedPacket.FIN, DecodedPacket.SYN | DecodedPacket.RST, 0,
                DecodedPacket.FIN | DecodedPacket.PSH | DecodedPacket.URG}) {
            assertThat(classOf(new PacketBuilder().tcp(SRC, DST, 80, 40000, flags))).as("flags %x", flags).isEqualTo(PacketClass.SPOOFED_INVALID);
        }
    }

    @Test
    void sameSourceAndDestinationPortZeroAndMartiansAreInvalid() {
        assertThat(classOf(new PacketBuilder().tcp(DST, DST, 1, 2, DecodedPacket.SYN))).isEqualTo(PacketClass.SPOOFED_INVALID);
        assertThat(classOf(new PacketBuilder().tcp(SRC, DST, 0, 2, DecodedPacket.SYN))).isEqualTo(PacketClass.SPOOFED_INVALID);
        assertThat(classOf(new PacketBuilder().udp(SRC, DST, 5, 0))).isEqualTo(PacketClass.SPOOFED_INVALID);
        assertThat(classOf(new PacketBuilder().udp(ip(127, 0, 0, 1), DST, 5, 6))).isEqualTo(PacketClass.SPOOFED_INVALID);
        assertThat(classOf(new PacketBuilder().udp(ip(224, 0, 0, 1), DST, 5, 6))).isEqualTo(PacketClass.SPOOFED_INVALID);
        assertThat(classOf(new PacketBuilder().udp(ip(0, 1, 2, 3), DST, 5, 6))).isEqualTo(PacketClass.SPOOFED_INVALID);
    }

    @Test
    void udpRepliesFromWellKnownServicesAreBackscatterOtherUdpIsAProbe() {
        for (int port : new int[] {53, 123, 11211, 1900}) {
            assertThat(classOf(new PacketBuilder().udp(SRC, DST, port, 40000))).as("port %d", port).isEqualTo(PacketClass.BACKSCATTER);
        }
        assertThat(classOf(new PacketBuilder().udp(SRC, DST, 53, 53))).isEqualTo(PacketClass.UDP_PROBE);
        assertThat(classOf(new PacketBuilder().udp(SRC, DST, 40000, 5060))).isEqualTo(PacketClass.UDP_PROBE);
    }

    @Test
    void icmpEchoRequestIsAProbeRepliesAndErrorsAreBackscatter() {
        assertThat(classOf(new PacketBuilder().icmp(SRC, DST, 8, 0))).isEqualTo(PacketClass.ICMP_ECHO_PROBE);
        for (int type : new int[] {0, 3, 4, 5, 11, 12}) {
            assertThat(classOf(new PacketBuilder().icmp(SRC, DST, type, 0))).as("type %d", type).isEqualTo(PacketClass.BACKSCATTER);
        }
        assertThat(classOf(new PacketBuilder().icmp(SRC, DST, 13, 0))).isEqualTo(PacketClass.OTHER_IP);
    }

    @Test
    void miraiIsASynWhoseSequenceNumberIsTheDestinationAddress() {
        PacketBuilder b = syn();
        b.seq = DST & 0xFFFFFFFFL;
        assertThat(fingerprintOf(b)).isEqualTo("mirai");
        b.seq = (DST & 0xFFFFFFFFL) + 1;
        assertThat(fingerprintOf(b)).isEqualTo("none");
    }

    @Test
    void masscanHasTheXorIpIdWindow1024AndNoOptions() {
        PacketBuilder b = syn();
        b.tcpOptionsLength = 0;
        b.window = 1024;
        b.seq = 0x12345678L;
        b.ipId = (DST ^ 23 ^ 0x12345678) & 0xFFFF;
        assertThat(fingerprintOf(b)).isEqualTo("masscan");
        b.tcpOptionsLength = 4;
        assertThat(fingerprintOf(b)).isEqualTo("none");
    }

    @Test
    void zmapBefore41UsesIpId54321OnProbesOnly() {
        PacketBuilder b = syn();
        b.ipId = 54321;
        assertThat(fingerprintOf(b)).isEqualTo("zmap");
        PacketBuilder echo = new PacketBuilder().icmp(SRC, DST, 8, 0);
        echo.ipId = 54321;
        assertThat(fingerprintOf(echo)).isEqualTo("zmap");
        PacketBuilder reply = new PacketBuilder().tcp(SRC, DST, 80, 4000, DecodedPacket.SYN | DecodedPacket.ACK);
        reply.ipId = 54321;
        assertThat(fingerprintOf(reply)).isEqualTo("none");
    }

    @Test
    void largeScaleScannerIsAnOptionlessHighTtlWindow1024Syn() {
        PacketBuilder b = syn();
        b.tcpOptionsLength = 0;
        b.window = 1024;
        b.ttl = 241;
        assertThat(fingerprintOf(b)).isEqualTo("large-scale-scanner");
        b.ttl = 199;
        assertThat(fingerprintOf(b)).isEqualTo("none");
    }

    @Test
    void ordinarySynHasNoFingerprint() {
        assertThat(fingerprintOf(syn())).isEqualTo("none");
    }

    @Test
    void rulesAreVersionedDataAndBadRulesAreRejectedClearly() {
        assertThat(classifier.version()).isNotBlank();
        assertThat(classifier.fingerprintCount()).isEqualTo(4);
        FingerprintRules bad = new FingerprintRules("x", List.of(new FingerprintRules.Rule("r", null, "sctp", null, null, null, null, null, null, null)), List.of());
        assertThatThrownBy(() -> new PacketClassifier(bad)).hasMessageContaining("protocol must be");
    }
    /**
     * The per-field rule tables must pick the same rule as evaluating the rules one by one
     * in order: random rule sets and packets whose fields are drawn from small pools, so
     * that rules both match and miss on every field.
     */
    @Test
    void ruleTablesPickTheFirstMatchingRuleLikeAPlainEvaluation() {
        long seed = Long.getLong("renkei.test.seed", System.nanoTime());
        java.util.Random r = new java.util.Random(seed);
        String[] flagSpecs = {null, "SYN", "SYN+ACK", "RST", "FIN+ACK"};
        int[] ids = {54321, 7, 0};
        int[] windows = {1024, 65535, 0};
        int[] options = {0, 4, 20, 40};
        int matches = 0;
        for (int set = 0; set < 200; set++) {
            List<FingerprintRules.Rule> rules = new java.util.ArrayList<>();
            for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                rules.add(new FingerprintRules.Rule("r" + i, "", new String[] {null, "tcp", "udp", "icmp", "any"}[r.nextInt(5)],
                        flagSpecs[r.nextInt(flagSpecs.length)], r.nextInt(4) == 0 ? Boolean.TRUE : null,
                        switch (r.nextInt(4)) { case 0 -> "masscan"; case 1 -> Integer.toString(ids[r.nextInt(ids.length)]); default -> null; },
                        r.nextBoolean() ? windows[r.nextInt(windows.length)] : null, r.nextBoolean() ? options[r.nextInt(options.length)] : null,
                        r.nextBoolean() ? 100 + r.nextInt(156) : null, r.nextInt(3) == 0 ? Boolean.TRUE : null));
            }
            PacketClassifier c = new PacketClassifier(new FingerprintRules("t", rules, List.of()));
            for (int k = 0; k < 500; k++) {
                DecodedPacket q = new DecodedPacket();
                q.hasTransport = r.nextInt(10) > 0;
                q.ipVersion = r.nextInt(4) == 0 ? 6 : 4;
                q.protocol = new int[] {6, 6, 17, 1, 58}[r.nextInt(5)];
                q.dst4 = r.nextInt(4);
                q.dstPort = r.nextInt(3);
                q.tcpSeq = r.nextInt(3) == 0 ? q.dst4 & 0xFFFFFFFFL : r.nextInt(4);
                q.ipId = r.nextInt(3) == 0 ? (q.dst4 ^ q.dstPort ^ (int) q.tcpSeq) & 0xFFFF : ids[r.nextInt(ids.length)];
                q.tcpFlags = r.nextInt(256);
                q.tcpWindow = windows[r.nextInt(windows.length)];
                q.tcpOptionsLength = options[r.nextInt(options.length)];
                q.ttl = r.nextInt(256);
                PacketClass cls = PacketClass.values()[r.nextInt(PacketClass.values().length)];
                int expected = -1;
                for (int i = 0; i < rules.size() && expected < 0; i++) if (plainMatch(rules.get(i), q, cls)) expected = i;
                assertThat(c.fingerprint(q, cls)).as("seed %d, rules %s", seed, rules).isEqualTo(expected);
                if (expected >= 0) matches++;
            }
        }
        assertThat(matches).as("packets some rule matched").isGreaterThan(1_000);
    }

    private static boolean plainMatch(FingerprintRules.Rule rule, DecodedPacket q, PacketClass cls) {
        if (!q.hasTransport) return false;
        boolean v4 = q.ipVersion == 4;
        String proto = rule.protocol() == null ? "any" : rule.protocol();
        if (proto.equals("tcp") && !q.isTcp() || proto.equals("udp") && !q.isUdp() || proto.equals("icmp") && !q.isIcmp()) return false;
        if (rule.tcpFlags() != null) {
            int want = 0;
            for (String f : rule.tcpFlags().split("\\+")) {
                want |= switch (f) { case "FIN" -> DecodedPacket.FIN; case "SYN" -> DecodedPacket.SYN; case "RST" -> DecodedPacket.RST; default -> DecodedPacket.ACK; };
            }
            int mask = DecodedPacket.FIN | DecodedPacket.SYN | DecodedPacket.RST | DecodedPacket.ACK;
            if (!q.isTcp() || (q.tcpFlags & mask) != want) return false;
        }
        if (Boolean.TRUE.equals(rule.seqEqualsDst()) && !(v4 && q.tcpSeq == (q.dst4 & 0xFFFFFFFFL))) return false;
        if ("masscan".equals(rule.ipId()) && !(v4 && q.ipId == ((q.dst4 ^ q.dstPort ^ (int) q.tcpSeq) & 0xFFFF))) return false;
        if (rule.ipId() != null && !"masscan".equals(rule.ipId()) && !(v4 && q.ipId == Integer.parseInt(rule.ipId()))) return false;
        if (rule.window() != null && q.tcpWindow != rule.window()) return false;
        if (rule.tcpOptionsLength() != null && q.tcpOptionsLength != rule.tcpOptionsLength()) return false;
        if (rule.ttlMin() != null && q.ttl < rule.ttlMin()) return false;
        boolean probe = cls == PacketClass.TCP_SYN_PROBE || cls == PacketClass.UDP_PROBE || cls == PacketClass.ICMP_ECHO_PROBE;
        return !Boolean.TRUE.equals(rule.probeOnly()) || probe;
    }
}
