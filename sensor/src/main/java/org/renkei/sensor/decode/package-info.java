/**
 * Decoding link, network and transport headers of one captured packet into a
 * reused {@link org.renkei.sensor.decode.DecodedPacket}: Ethernet (802.1Q, 802.1ad
 * QinQ), raw IP (LINKTYPE 101, 228, 229 and the DLT_RAW aliases 12/14), Linux SLL
 * and SLL2, BSD NULL and OpenBSD LOOP; IPv4, IPv6 with extension headers, TCP, UDP,
 * ICMP and ICMPv6, including the quoted packet inside ICMP errors. Only the outermost
 * IP header is decoded: tunnels are not followed. No allocation per packet.
 */
package org.renkei.sensor.decode;
