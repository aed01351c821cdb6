/**
 * Reading capture files and streams: classic pcap (microsecond and nanosecond
 * magic, either byte order) and pcapng (every section, per-interface link type and
 * timestamp resolution, EPB/SPB/obsolete PB), plain or gzip-compressed.
 *
 * <p>Files are read into a reused off-heap buffer, streams (gzip, stdin) through a
 * refilled heap buffer. Both paths hand out the same mutable {@link org.renkei.sensor.pcap.PacketRecord}
 * flyweight that points into the buffered bytes, so reading a packet
 * allocates nothing. Malformed records are skipped and counted by
 * {@link org.renkei.sensor.pcap.SkipReason}; input that is not a capture at all
 * raises {@link org.renkei.sensor.pcap.CaptureFormatException}.
 */
package org.renkei.sensor.pcap;
