package org.renkei.sensor.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.sensor.synth.PacketBuilder.ip;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.renkei.sensor.synth.PacketBuilder;

class PacketDecoderTest {
    private final DecodedPacket out = new DecodedPacket();

    private DecodedPacket decode(byte[] bytes, int linkType) {
        PacketDecoder.decode(MemorySegment.ofArray(bytes), 0, bytes.length, linkType, out);
        return out;
    }

    /**
     * The IPv4 fast path (Ethernet and raw IP) must decode exactly like the general path,
     * which Linux cooked captures always take: the same random, often malformed IPv4
     * headers are decoded both ways and every field compared.
     */
    @Test
    void ipv4FastPathDecodesExactlyLikeTheGeneralPath() throws IllegalAccessException {
        long seed = Long.getLong("renkei.test.seed", System.nanoTime());
        System.out.println("ipv4FastPathDecodesExactlyLikeTheGeneralPath seed: " + seed + " (rerun with -Drenkei.test.seed=" + seed + ")");
        java.util.Random r = new java.util.Random(seed);
        DecodedPacket general = new DecodedPacket();
        int fast = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] ip = new byte[20 + r.nextInt(61)];
            r.nextBytes(ip);
            ip[0] = (byte) new int[] {0x45, 0x45, 0x45, 0x45, 0x46, 0x44, 0x65}[r.nextInt(7)];
            int total = switch (r.nextInt(5)) { case 0 -> 0; case 1 -> r.nextInt(30); case 2 -> ip.length + r.nextInt(20) - 10; default -> ip.length; };
            ip[2] = (byte) (total >>> 8);
            ip[3] = (byte) total;
            if (r.nextInt(3) > 0) { ip[6] = (byte) (r.nextBoolean() ? 0x40 : 0x20); ip[7] = 0; }
            ip[9] = (byte) new int[] {6, 6, 6, 17, 17, 1, 47}[r.nextInt(7)];
            if (ip.length > 32 && r.nextInt(4) > 0) ip[32] = (byte) ((5 + r.nextInt(3)) << 4 | (ip[32] & 0x0F));
            byte[] ether = new byte[14 + ip.length];
            ether[12] = 0x08;
            System.arraycopy(ip, 0, ether, 14, ip.length);
            byte[] sll = new byte[16 + ip.length];
            sll[14] = 0x08;
            System.arraycopy(ip, 0, sll, 16, ip.length);
            PacketDecoder.decode(MemorySegment.ofArray(sll), 0, sll.length, PacketDecoder.LINKTYPE_LINUX_SLL, general);
            for (int linkType : new int[] {PacketDecoder.LINKTYPE_RAW, PacketDecoder.LINKTYPE_ETHERNET}) {
                byte[] frame = linkType == PacketDecoder.LINKTYPE_RAW ? ip : ether;
                decode(frame, linkType);
                for (java.lang.reflect.Field f : DecodedPacket.class.getFields()) {
                    if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getName().equals("capturedLength")) continue;
                    assertThat(f.get(out)).as("%s of %s (link type %d, seed %d)", f.getName(), HexFormat.of().formatHex(ip), linkType, seed)
                            .isEqualTo(f.get(general));
                }
            }
            if (out.hasTransport && (out.isTcp() || out.isUdp())) fast++;
        }
        assertThat(fast).as("packets the fast path could take").isGreaterThan(2_000);
    }

    /**
     * Consecutive fast-path packets skip the full reset, so a fast-path packet decoded right
     * after packets that set other fields (IPv6 addresses, ICMP error quotes, a later
     * fragment, a bad header) must still decode exactly like one decoded into a fresh object.
     */
    @Test
    void fastPathAfterOtherPacketsDecodesLikeAFreshObject() throws IllegalAccessException {
        PacketBuilder syn = new PacketBuilder().tcp(ip(1, 2, 3, 4), ip(10, 0, 0, 1), 40000, 23, 0x02);
        PacketBuilder udp = new PacketBuilder().udp(ip(5, 6, 7, 8), ip(10, 0, 0, 2), 53, 5353);
        PacketBuilder icmpError = new PacketBuilder().icmp(ip(9, 9, 9, 9), ip(10, 0, 0, 3), 3, 1);
        byte[] ip6 = new byte[14 + 40 + 20];
        ip6[12] = (byte) 0x86;
        ip6[13] = (byte) 0xDD;
        ip6[14] = 0x60;
        ip6[14 + 5] = 20;
        ip6[14 + 6] = 6;
        for (int i = 14 + 8; i < 14 + 40; i++) ip6[i] = (byte) i;
        ip6[14 + 40 + 12] = 0x50;
        ip6[14 + 40 + 13] = 0x02;
        byte[] notIp = new byte[60];
        notIp[12] = 0x08;
        notIp[13] = 0x06;
        byte[][] before = {ip6, icmpError.copy(), notIp, syn.copy(), udp.copy()};
        for (byte[] first : before) {
            for (byte[] fastOne : new byte[][] {syn.copy(), udp.copy()}) {
                decode(first, PacketDecoder.LINKTYPE_ETHERNET);
                decode(fastOne, PacketDecoder.LINKTYPE_ETHERNET);
                DecodedPacket fresh = new DecodedPacket();
                PacketDecoder.decode(MemorySegment.ofArray(fastOne), 0, fastOne.length, PacketDecoder.LINKTYPE_ETHERNET, fresh);
                for (java.lang.reflect.Field f : DecodedPacket.class.getFields()) {
                    if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
                    assertThat(f.get(out)).as("%s after %s", f.getName(), HexFormat.of().formatHex(first)).isEqualTo(f.get(fresh));
                }
            }
        }
        assertThat(out.isUdp()).isTrue();
    }

    @Test
    void decodesEthernetTcpSyn() {
        PacketBuilder b = new PacketBuilder().tcp(ip(1, 2, 3, 4), ip(10, 0, 0, 1), 40000, 23, 0x02);
        b.seq = 0xDEADBEEFL;
        b.ttl = 250;
        b.ipId = 777;
        b.window = 1024;
        DecodedPacket p = decode(b.copy(), PacketDecoder.LINKTYPE_ETHERNET);
        assertThat(p.status).isEqualTo(DecodeStatus.OK);
        assertThat(p.ipVersion).isEqualTo(4);
        assertThat(p.src4).isEqualTo(ip(1, 2, 3, 4));
        assertThat(p.dst4).isEqualTo(ip(10, 0, 0, 1));
        assertThat(p.srcPort).isEqualTo(40000);
        assertThat(p.dstPort).isEqualTo(23);
        assertThat(p.tcpSeq).isEqualTo(0xDEADBEEFL);
        assertThat(p.tcpFlags).isEqualTo(DecodedPacket.SYN);
        assertThat(p.ttl).isEqualTo(250);
        assertThat(p.ipId).isEqualTo(777);
        assertThat(p.tcpWindow).isEqualTo(1024);
        assertThat(p.tcpOptionsLength).isZero();
    }

    @Test
    void skipsVlanAndQinQTags() {
        PacketBuilder b = new PacketBuilder().udp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 53, 5000);
        b.vlanTags = 2;
        DecodedPacket p = decode(b.copy(), PacketDecoder.LINKTYPE_ETHERNET);
        assertThat(p.status).isEqualTo(DecodeStatus.OK);
        assertThat(p.protocol).isEqualTo(17);
        assertThat(p.srcPort).isEqualTo(53);
    }

    @Test
    void decodesRawIpOnEveryRawLinkType() {
        PacketBuilder b = new PacketBuilder().udp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 1, 2);
        b.ethernet = false;
        byte[] bytes = b.copy();
        for (int lt : new int[] {101, 228, 12, 14}) {
            assertThat(decode(bytes, lt).dstPort).as("link type %d", lt).isEqualTo(2);
        }
    }

    @Test
    void decodesLinuxCookedV1AndV2() {
        PacketBuilder b = new PacketBuilder().udp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 7, 9);
        b.ethernet = false;
        byte[] ip = b.copy();
        byte[] sll = new byte[16 + ip.length];
        sll[14] = 0x08;
        System.arraycopy(ip, 0, sll, 16, ip.length);
        assertThat(decode(sll, PacketDecoder.LINKTYPE_LINUX_SLL).dstPort).isEqualTo(9);
        byte[] sll2 = new byte[20 + ip.length];
        sll2[0] = 0x08;
        System.arraycopy(ip, 0, sll2, 20, ip.length);
        assertThat(decode(sll2, PacketDecoder.LINKTYPE_LINUX_SLL2).dstPort).isEqualTo(9);
    }

    @Test
    void decodesBsdNullInEitherByteOrder() {
        PacketBuilder b = new PacketBuilder().tcp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 7, 80, 0x02);
        b.ethernet = false;
        byte[] ip = b.copy();
        byte[] le = new byte[4 + ip.length];
        le[0] = 2;
        System.arraycopy(ip, 0, le, 4, ip.length);
        byte[] be = le.clone();
        be[0] = 0;
        be[3] = 2;
        assertThat(decode(le, PacketDecoder.LINKTYPE_NULL).dstPort).isEqualTo(80);
        assertThat(decode(be, PacketDecoder.LINKTYPE_NULL).dstPort).isEqualTo(80);
        assertThat(decode(be, PacketDecoder.LINKTYPE_LOOP).dstPort).isEqualTo(80);
    }

    @Test
    void walksIpv6ExtensionHeadersToTcp() {
        // IPv6, next = hop-by-hop(0) -> fragment(44, first fragment) -> TCP
        String hex = "6000000000240040" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
                + "2c00000000000000" // hop-by-hop: next 44, len 0 (8 bytes)
                + "0600000100000001" // fragment: next 6, offset 0, M=1
                + "04d2005000000001000000005002ffff00000000"; // TCP 1234 -> 80, flags ACK? 0x02 = SYN
        byte[] bytes = HexFormat.of().parseHex(hex);
        DecodedPacket p = decode(bytes, PacketDecoder.LINKTYPE_IPV6);
        assertThat(p.status).isEqualTo(DecodeStatus.OK);
        assertThat(p.ipProtocolField).isZero();
        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.fragment).isTrue();
        assertThat(p.laterFragment).isFalse();
        assertThat(p.srcPort).isEqualTo(1234);
        assertThat(p.dstPort).isEqualTo(80);
        assertThat(p.src6Hi).isEqualTo(0x20010db800000000L);
        assertThat(p.dst6Lo).isEqualTo(2L);
    }

    @Test
    void laterFragmentsCarryNoPorts() {
        PacketBuilder b = new PacketBuilder().udp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 7, 9);
        b.fragmentOffset = 185;
        b.payloadLength = 100;
        DecodedPacket p = decode(b.copy(), PacketDecoder.LINKTYPE_ETHERNET);
        assertThat(p.status).isEqualTo(DecodeStatus.OK);
        assertThat(p.fragment).isTrue();
        assertThat(p.laterFragment).isTrue();
        assertThat(p.hasTransport).isFalse();
        assertThat(p.srcPort).isEqualTo(-1);
    }

    @Test
    void truncatedPacketsKeepWhatTheyHave() {
        byte[] full = new PacketBuilder().tcp(ip(1, 1, 1, 1), ip(2, 2, 2, 2), 7, 80, 0x02).copy();
        assertThat(decode(java.util.Arrays.copyOf(full, 20), 1).status).isEqualTo(DecodeStatus.TRUNCATED_IP_HEADER);
        DecodedPacket p = decode(java.util.Arrays.copyOf(full, 14 + 20 + 4), 1);
        assertThat(p.status).isEqualTo(DecodeStatus.TRUNCATED_TRANSPORT);
        assertThat(p.src4).isEqualTo(ip(1, 1, 1, 1));
        assertThat(p.dstPort).isEqualTo(80);
        assertThat(p.hasTransport).isFalse();
    }

    @Test
    void readsTheQuotedPacketOfAnIcmpError() {
        PacketBuilder b = new PacketBuilder().icmp(ip(9, 9, 9, 9), ip(10, 0, 0, 5), 3, 3);
        b.innerSrc4 = ip(10, 0, 0, 5);
        b.innerDst4 = ip(8, 8, 4, 4);
        b.innerProtocol = 17;
        b.innerSrcPort = 3333;
        b.innerDstPort = 53;
        DecodedPacket p = decode(b.copy(), 1);
        assertThat(p.icmpType).isEqualTo(3);
        assertThat(p.hasInner).isTrue();
        assertThat(p.innerDst4).isEqualTo(ip(8, 8, 4, 4));
        assertThat(p.innerDstPort).isEqualTo(53);
    }

    @Test
    void rejectsBadIpHeaders() {
        byte[] bytes = new PacketBuilder().tcp(1, 2, 3, 4, 2).copy();
        bytes[14] = 0x43; // IHL 3
        assertThat(decode(bytes, 1).status).isEqualTo(DecodeStatus.BAD_IP_HEADER);
        assertThat(decode(new byte[] {1, 2, 3}, 999).status).isEqualTo(DecodeStatus.UNSUPPORTED_LINK_TYPE);
    }
}
