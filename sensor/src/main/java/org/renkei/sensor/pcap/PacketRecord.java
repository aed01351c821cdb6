package org.renkei.sensor.pcap;

import java.lang.foreign.MemorySegment;

/**
 * One captured packet, as a mutable flyweight the reader refills on every
 * {@link CaptureReader#next(PacketRecord)}: the bytes stay where they are (the
 * reader's buffer) and are valid only until the next call.
 */
public final class PacketRecord {
    /**
     * Segment holding the packet bytes at {@link #offset}: for a file, the whole address space and
     * the bytes' absolute address (see {@link RawMemory#ALL}); for a stream, its buffer.
     */
    public MemorySegment data;
    public long offset;
    public int capturedLength;
    public int originalLength;
    /** LINKTYPE_* value of the interface that captured the packet. */
    public int linkType;
    /** Capture time, nanoseconds since the Unix epoch (UTC). */
    public long timestampNanos;
    public int interfaceId;
    /** 1-based index of this record in the file (counts skipped records too). */
    public long recordNumber;

    public byte[] copyBytes() {
        byte[] out = new byte[capturedLength];
        MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, out, 0, capturedLength);
        return out;
    }
}
