package org.renkei.sensor.decode;

/** How far decoding got; everything but {@link #OK} is counted by reason in reports. */
public enum DecodeStatus {
    /** IP header decoded (and transport header when present and not a later fragment). */
    OK,
    /** The link type is not one we decode. */
    UNSUPPORTED_LINK_TYPE,
    /** The link layer carries something other than IPv4/IPv6 (ARP, LLC, MPLS...). */
    NOT_IP,
    /** The capture ends before the link or IP header does (snaplen or a cut record). */
    TRUNCATED_IP_HEADER,
    /** The IP header is inconsistent (bad version, header length or total length). */
    BAD_IP_HEADER,
    /** IP decoded but the transport header is cut short by the snaplen: addresses valid, ports not. */
    TRUNCATED_TRANSPORT,
    /** IP decoded but the transport header is inconsistent (e.g. TCP data offset below 5). */
    BAD_TRANSPORT_HEADER;

    /** True when the IP addresses and protocol are valid. */
    public boolean hasIp() {
        return this == OK || this == TRUNCATED_TRANSPORT || this == BAD_TRANSPORT_HEADER;
    }
}
