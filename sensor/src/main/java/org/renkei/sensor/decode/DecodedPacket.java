package org.renkei.sensor.decode;

/**
 * The decoded headers of one packet: a mutable flyweight refilled by
 * {@link PacketDecoder#decode}, so the hot path allocates nothing. Fields that the
 * packet does not have are left at their reset values (0 / -1 / false).
 * IPv4 addresses are ints in network order read as big-endian; IPv6 addresses are
 * two longs each (high, low).
 */
public final class DecodedPacket {
    public static final int TCP = 6, UDP = 17, ICMP = 1, ICMPV6 = 58;
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;

    public DecodeStatus status;
    public long timestampNanos;
    public int capturedLength;
    public int wireLength;

    /** 4 or 6 when the status {@link DecodeStatus#hasIp()}, else 0. */
    public int ipVersion;
    public int src4, dst4;
    public long src6Hi, src6Lo, dst6Hi, dst6Lo;
    public int ttl;
    public int ipId;
    /** The protocol field of the IP header (IPv4 protocol, IPv6 first Next Header). */
    public int ipProtocolField;
    /** The upper-layer protocol after IPv6 extension headers (same as the field for IPv4). */
    public int protocol;
    public int ipTotalLength;
    public boolean fragment;
    /** True for a fragment other than the first: it carries no transport header. */
    public boolean laterFragment;

    /** True when {@link #srcPort}/{@link #dstPort} (TCP/UDP) or ICMP type/code are valid. */
    public boolean hasTransport;
    public int srcPort, dstPort;
    public int tcpFlags;
    public long tcpSeq, tcpAck;
    public int tcpWindow;
    public int tcpOptionsLength;
    public int icmpType, icmpCode;

    /** For ICMP errors: the quoted packet's header fields. */
    public boolean hasInner;
    public int innerSrc4, innerDst4;
    public long innerDst6Hi, innerDst6Lo;
    public int innerProtocol;
    public int innerSrcPort, innerDstPort;

    /**
     * True while every field that {@link PacketDecoder}'s IPv4 fast path does not write
     * holds its reset value: consecutive fast-path packets then skip the full reset (some
     * thirty stores a packet). Cleared when the general path decodes into this object.
     */
    boolean othersAtReset;

    void reset() {
        othersAtReset = true;
        status = DecodeStatus.OK;
        ipVersion = 0;
        src4 = dst4 = 0;
        src6Hi = src6Lo = dst6Hi = dst6Lo = 0;
        ttl = ipId = ipProtocolField = protocol = ipTotalLength = 0;
        fragment = laterFragment = false;
        hasTransport = false;
        srcPort = dstPort = -1;
        tcpFlags = 0;
        tcpSeq = tcpAck = 0;
        tcpWindow = tcpOptionsLength = 0;
        icmpType = icmpCode = -1;
        hasInner = false;
        innerSrc4 = innerDst4 = 0;
        innerDst6Hi = innerDst6Lo = 0;
        innerProtocol = 0;
        innerSrcPort = innerDstPort = -1;
    }

    public boolean isTcp() {
        return protocol == TCP;
    }

    public boolean isUdp() {
        return protocol == UDP;
    }

    public boolean isIcmp() {
        return (ipVersion == 4 && protocol == ICMP) || (ipVersion == 6 && protocol == ICMPV6);
    }
}
