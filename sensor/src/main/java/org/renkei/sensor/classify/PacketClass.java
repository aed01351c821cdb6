package org.renkei.sensor.classify;

/** What a darknet packet is, from its headers alone. Rules in {@link PacketClassifier}. */
public enum PacketClass {
    /** TCP with SYN alone (ECE/CWR allowed): a connection attempt to an unused address. */
    TCP_SYN_PROBE,
    /** Any other valid TCP (ACK, FIN, PSH... without SYN-ACK/RST: e.g. stealth scans, stray flows). */
    TCP_OTHER,
    /** UDP that is not a reply from a well-known service. */
    UDP_PROBE,
    /** ICMP/ICMPv6 echo request. */
    ICMP_ECHO_PROBE,
    /**
     * A reply to a packet the darknet never sent: TCP SYN-ACK, RST, RST-ACK; ICMP echo
     * reply and errors; UDP from a well-known service port. Its source is a DoS victim
     * candidate (for ICMP errors, the quoted packet's destination).
     */
    BACKSCATTER,
    /** Impossible or spoofed: src = dst, port 0, martian source, bad TCP flag combinations. */
    SPOOFED_INVALID,
    /** IP we decoded with another protocol or ICMP type (GRE, ESP, router advertisements...). */
    OTHER_IP,
    /** Not decoded as IP (other link or network protocol, truncated or malformed headers). */
    UNDECODED
}
