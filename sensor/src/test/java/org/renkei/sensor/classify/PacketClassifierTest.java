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
}
