package org.renkei.sensor.synth;

import java.nio.ByteBuffer;

/**
 * Builds Ethernet/IPv4 or raw IPv6 packets into a reused byte array. Fields are
 * set fluently and {@link #build()} returns the number of bytes written; the array is
 * reused by the next build, so callers write or copy it immediately.
 */
public final class PacketBuilder {
    private final byte[] buf = new byte[2048];
    private final ByteBuffer bb = ByteBuffer.wrap(buf);

    public int src4, dst4, ttl = 64, ipId, protocol = 6, tos;
    public boolean ethernet = true;
    public int vlanTags;
    public int srcPort, dstPort, tcpFlags = 0x02, window = 65535;
    public long seq, ack;
    /** TCP option bytes (multiple of 4) or UDP/ICMP payload length. */
    public int tcpOptionsLength;
    public int payloadLength;
    public int icmpType = 8, icmpCode;
    public int fragmentOffset;
    public boolean moreFragments;
    /** For ICMP errors: the quoted packet's addresses, protocol and ports. */
    public int innerSrc4, innerDst4, innerProtocol = 6, innerSrcPort, innerDstPort;

    public PacketBuilder tcp(int src, int dst, int sport, int dport, int flags) {
        protocol = 6; src4 = src; dst4 = dst; srcPort = sport; dstPort = dport; tcpFlags = flags;
        return this;
    }

    public PacketBuilder udp(int src, int dst, int sport, int dport) {
        protocol = 17; src4 = src; dst4 = dst; srcPort = sport; dstPort = dport;
        return this;
    }

    public PacketBuilder icmp(int src, int dst, int type, int code) {
        protocol = 1; src4 = src; dst4 = dst; icmpType = type; icmpCode = code;
        return this;
    }

    public byte[] array() {
        return buf;
    }

    public byte[] copy() {
        int n = build();
        byte[] out = new byte[n];
        System.arraycopy(buf, 0, out, 0, n);
        return out;
    }

    /** Writes the packet; returns its length. */
    public int build() {
        bb.clear();
        if (ethernet) {
            bb.putInt(0x00005E00).putShort((short) 0x5301).putInt(0x02000000).putShort((short) 0x0001);
            for (int i = 0; i < vlanTags; i++) bb.putShort((short) (i == 0 && vlanTags > 1 ? 0x88A8 : 0x8100)).putShort((short) (100 + i));
            bb.putShort((short) 0x0800);
        }
        int ipStart = bb.position();
        int l4Len = switch (protocol) {
            case 6 -> 20 + tcpOptionsLength + payloadLength;
            case 17 -> 8 + payloadLength;
            case 1 -> 8 + (isIcmpError() ? 28 : payloadLength);
            default -> payloadLength;
        };
        boolean transportHere = fragmentOffset == 0;
        if (!transportHere) l4Len = payloadLength;
        int total = 20 + l4Len;
        bb.put((byte) 0x45).put((byte) tos).putShort((short) total).putShort((short) ipId)
                .putShort((short) ((moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1FFF)))
                .put((byte) ttl).put((byte) protocol).putShort((short) 0).putInt(src4).putInt(dst4);
        bb.putShort(ipStart + 10, checksum(buf, ipStart, 20));
        if (transportHere) {
            switch (protocol) {
                case 6 -> {
                    bb.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack)
                            .put((byte) (((20 + tcpOptionsLength) / 4) << 4)).put((byte) tcpFlags).putShort((short) window)
                            .putShort((short) 0).putShort((short) 0);
                    // MSS first, then NOPs: a plausible option block of the requested length
                    int o = tcpOptionsLength;
                    if (o >= 4) { bb.put((byte) 2).put((byte) 4).putShort((short) 1460); o -= 4; }
                    for (int i = 0; i < o; i++) bb.put((byte) 1);
                    for (int i = 0; i < payloadLength; i++) bb.put((byte) 0);
                }
                case 17 -> {
                    bb.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payloadLength)).putShort((short) 0);
                    for (int i = 0; i < payloadLength; i++) bb.put((byte) 0);
                }
                case 1 -> {
                    int icmpStart = bb.position();
                    bb.put((byte) icmpType).put((byte) icmpCode).putShort((short) 0).putInt(0);
                    if (isIcmpError()) {
                        int innerStart = bb.position();
                        bb.put((byte) 0x45).put((byte) 0).putShort((short) 48).putShort((short) 1).putShort((short) 0)
                                .put((byte) 50).put((byte) innerProtocol).putShort((short) 0).putInt(innerSrc4).putInt(innerDst4);
                        bb.putShort(innerStart + 10, checksum(buf, innerStart, 20));
                        bb.putShort((short) innerSrcPort).putShort((short) innerDstPort).putInt(0);
                    } else {
                        for (int i = 0; i < payloadLength; i++) bb.put((byte) 0);
                    }
                    bb.putShort(icmpStart + 2, checksum(buf, icmpStart, bb.position() - icmpStart));
                }
                default -> { for (int i = 0; i < payloadLength; i++) bb.put((byte) 0); }
            }
        } else {
            for (int i = 0; i < payloadLength; i++) bb.put((byte) 0);
        }
        return bb.position();
    }

    private boolean isIcmpError() {
        return protocol == 1 && (icmpType == 3 || icmpType == 4 || icmpType == 5 || icmpType == 11 || icmpType == 12);
    }

    private static short checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) sum += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        if ((len & 1) != 0) sum += (b[off + len - 1] & 0xFF) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (short) ~sum;
    }

    public static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
