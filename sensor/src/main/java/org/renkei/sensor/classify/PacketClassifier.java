package org.renkei.sensor.classify;

import java.util.List;

import org.renkei.sensor.decode.DecodeStatus;
import org.renkei.sensor.decode.DecodedPacket;

/**
 * Assigns each decoded packet its {@link PacketClass} and, for probes, the first
 * matching scanner fingerprint. Rules are compiled from {@link FingerprintRules} into
 * primitive arrays (-1 = any) so the per-packet path allocates nothing.
 *
 * <p>Class rules, in order:
 * <ol>
 * <li>not decoded as IP → {@code UNDECODED};</li>
 * <li>spoofed/invalid: src = dst; martian source (IPv4 0/8, 127/8, 224/4 multicast,
 * 240/4; IPv6 ::, ::1, ff00::/8); TCP/UDP port 0 at either end (first fragments only);
 * TCP with SYN+FIN, SYN+RST, no flags, or FIN+PSH+URG without ACK ("xmas");</li>
 * <li>TCP: SYN alone (ECE/CWR/PSH/URG ignored) → SYN probe; SYN+ACK, RST, RST+ACK →
 * backscatter; anything else → other TCP;</li>
 * <li>UDP: from a listed service port (DNS, NTP, memcached, SSDP...) to an
 * unprivileged port (≥ 1024) → backscatter; else UDP probe;</li>
 * <li>ICMP/ICMPv6: echo request → echo probe; echo reply and errors (unreachable,
 * source quench, redirect, time exceeded, parameter problem; v6 1-4) → backscatter;
 * other types → other IP;</li>
 * <li>later fragments and other protocols → other IP.</li>
 * </ol>
 */
public final class PacketClassifier {
    private static final int FLAG_MASK = DecodedPacket.FIN | DecodedPacket.SYN | DecodedPacket.RST | DecodedPacket.ACK;

    private final String version;
    private final String[] ids;
    private final String[] descriptions;
    /**
     * Rules compiled for the per-packet path: each is a set of packet facts it requires
     * (one bit mask test) and field values it requires (-1 = any), tested without
     * short-circuit branches, which mispredict on scanner traffic where fields such as the
     * window are random (measured: the per-field version cost ~20 ns a packet).
     */
    private record Compiled(int required, int flags, int ipId, int window, int optionsLength, int ttlMin) {
    }

    private static final int F_TCP = 1, F_UDP = 2, F_ICMP = 4, F_PROBE = 8, F_IPV4 = 16, F_SEQ_IS_DST = 32, F_MASSCAN_ID = 64;
    private final Compiled[] compiled;
    private final boolean[] backscatterUdpPort = new boolean[65536];

    public PacketClassifier(FingerprintRules rules) {
        List<FingerprintRules.Rule> list = rules.fingerprints() == null ? List.of() : rules.fingerprints();
        if (list.size() > 31) throw new IllegalArgumentException("at most 31 fingerprint rules are supported, got " + list.size());
        int n = list.size();
        version = rules.version() == null ? "unversioned" : rules.version();
        ids = new String[n];
        descriptions = new String[n];
        compiled = new Compiled[n];
        for (int i = 0; i < n; i++) {
            FingerprintRules.Rule r = list.get(i);
            if (r.id() == null || r.id().isBlank()) throw new IllegalArgumentException("fingerprint rule " + (i + 1) + " has no id");
            ids[i] = r.id();
            descriptions[i] = r.description() == null ? "" : r.description();
            int required = switch (r.protocol() == null ? "any" : r.protocol().toLowerCase()) {
                case "tcp" -> F_TCP;
                case "udp" -> F_UDP;
                case "icmp" -> F_ICMP;
                case "any" -> 0;
                default -> throw new IllegalArgumentException("rule " + r.id() + ": protocol must be tcp, udp, icmp or any, not " + r.protocol());
            };
            int flags = r.tcpFlags() == null ? -1 : parseFlags(r.id(), r.tcpFlags());
            if (flags >= 0) required |= F_TCP;
            if (Boolean.TRUE.equals(r.seqEqualsDst())) required |= F_SEQ_IS_DST | F_IPV4;
            boolean masscan = "masscan".equalsIgnoreCase(r.ipId());
            if (masscan) required |= F_MASSCAN_ID | F_IPV4;
            int ipId = r.ipId() == null || masscan ? -1 : Integer.parseInt(r.ipId().trim());
            if (ipId >= 0) required |= F_IPV4;
            if (Boolean.TRUE.equals(r.probeOnly())) required |= F_PROBE;
            compiled[i] = new Compiled(required, flags, ipId, r.window() == null ? -1 : r.window(),
                    r.tcpOptionsLength() == null ? -1 : r.tcpOptionsLength(), r.ttlMin() == null ? -1 : r.ttlMin());
        }
        if (rules.backscatterUdpSourcePorts() != null) {
            for (int port : rules.backscatterUdpSourcePorts()) backscatterUdpPort[port & 0xFFFF] = true;
        }
    }

    public static PacketClassifier builtIn() {
        return new PacketClassifier(FingerprintRules.builtIn());
    }

    private static int parseFlags(String id, String spec) {
        int f = 0;
        for (String part : spec.toUpperCase().split("[+|, ]+")) {
            f |= switch (part) {
                case "FIN" -> DecodedPacket.FIN;
                case "SYN" -> DecodedPacket.SYN;
                case "RST" -> DecodedPacket.RST;
                case "ACK" -> DecodedPacket.ACK;
                default -> throw new IllegalArgumentException("rule " + id + ": tcp_flags takes FIN, SYN, RST, ACK joined by '+', not " + part);
            };
        }
        return f;
    }

    public String version() {
        return version;
    }

    public int fingerprintCount() {
        return ids.length;
    }

    public String fingerprintId(int index) {
        return ids[index];
    }

    public String fingerprintDescription(int index) {
        return descriptions[index];
    }

    public PacketClass classify(DecodedPacket p) {
        if (!p.status.hasIp()) return PacketClass.UNDECODED;
        if (isSpoofedOrInvalid(p)) return PacketClass.SPOOFED_INVALID;
        if (p.laterFragment || !p.hasTransport) {
            // Without a transport header only SYN-less facts are known; ports and flags are not.
            return PacketClass.OTHER_IP;
        }
        if (p.isTcp()) {
            int f = p.tcpFlags & FLAG_MASK;
            if (f == DecodedPacket.SYN) return PacketClass.TCP_SYN_PROBE;
            if (f == (DecodedPacket.SYN | DecodedPacket.ACK) || (f & DecodedPacket.RST) != 0) return PacketClass.BACKSCATTER;
            return PacketClass.TCP_OTHER;
        }
        if (p.isUdp()) {
            return backscatterUdpPort[p.srcPort] && p.dstPort >= 1024 ? PacketClass.BACKSCATTER : PacketClass.UDP_PROBE;
        }
        if (p.isIcmp()) {
            int t = p.icmpType;
            if (p.ipVersion == 4) {
                if (t == 8) return PacketClass.ICMP_ECHO_PROBE;
                if (t == 0 || t == 3 || t == 4 || t == 5 || t == 11 || t == 12) return PacketClass.BACKSCATTER;
            } else {
                if (t == 128) return PacketClass.ICMP_ECHO_PROBE;
                if (t == 129 || (t >= 1 && t <= 4)) return PacketClass.BACKSCATTER;
            }
        }
        return PacketClass.OTHER_IP;
    }

    private static boolean isSpoofedOrInvalid(DecodedPacket p) {
        if (p.ipVersion == 4) {
            if (p.src4 == p.dst4) return true;
            int first = p.src4 >>> 24;
            if (first == 0 || first == 127 || first >= 224) return true;
        } else {
            if (p.src6Hi == p.dst6Hi && p.src6Lo == p.dst6Lo) return true;
            if (p.src6Hi == 0 && (p.src6Lo == 0 || p.src6Lo == 1)) return true;
            if ((p.src6Hi >>> 56) == 0xFF) return true;
        }
        if (p.hasTransport && (p.isTcp() || p.isUdp()) && (p.srcPort == 0 || p.dstPort == 0)) return true;
        if (p.hasTransport && p.isTcp()) {
            int f = p.tcpFlags;
            if ((f & (DecodedPacket.SYN | DecodedPacket.FIN)) == (DecodedPacket.SYN | DecodedPacket.FIN)) return true;
            if ((f & (DecodedPacket.SYN | DecodedPacket.RST)) == (DecodedPacket.SYN | DecodedPacket.RST)) return true;
            if ((f & 0x3F) == 0) return true;
            int xmas = DecodedPacket.FIN | DecodedPacket.PSH | DecodedPacket.URG;
            if ((f & xmas) == xmas && (f & DecodedPacket.ACK) == 0) return true;
        }
        return false;
    }

    private static boolean isProbe(PacketClass c) {
        return c == PacketClass.TCP_SYN_PROBE || c == PacketClass.UDP_PROBE || c == PacketClass.ICMP_ECHO_PROBE;
    }

    /** Index of the first fingerprint rule the packet matches, or -1. */
    public int fingerprint(DecodedPacket p, PacketClass c) {
        if (!p.hasTransport) return -1;
        boolean v4 = p.ipVersion == 4;
        int facts = (p.isTcp() ? F_TCP : 0) | (p.isUdp() ? F_UDP : 0) | (p.isIcmp() ? F_ICMP : 0) | (isProbe(c) ? F_PROBE : 0)
                | (v4 ? F_IPV4 : 0) | (p.tcpSeq == (p.dst4 & 0xFFFFFFFFL) ? F_SEQ_IS_DST : 0)
                | (p.ipId == ((p.dst4 ^ p.dstPort ^ (int) p.tcpSeq) & 0xFFFF) ? F_MASSCAN_ID : 0);
        int flags = p.tcpFlags & FLAG_MASK, ipId = p.ipId, window = p.tcpWindow, options = p.tcpOptionsLength, ttl = p.ttl;
        Compiled[] rs = compiled;
        int matched = 0;
        for (int i = 0; i < rs.length; i++) { // every rule, no early exit: see Compiled
            Compiled r = rs[i];
            boolean match = (facts & r.required) == r.required & (r.flags < 0 | flags == r.flags) & (r.ipId < 0 | ipId == r.ipId)
                    & (r.window < 0 | window == r.window) & (r.optionsLength < 0 | options == r.optionsLength) & ttl >= r.ttlMin;
            matched |= (match ? 1 : 0) << i;
        }
        return matched == 0 ? -1 : Integer.numberOfTrailingZeros(matched);
    }
}
