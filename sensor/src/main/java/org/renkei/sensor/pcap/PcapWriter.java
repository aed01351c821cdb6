package org.renkei.sensor.pcap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes classic little-endian pcap (microsecond or nanosecond magic). Used by the
 * traffic generator and by tests; a buffered stream keeps it cheap per record.
 */
public final class PcapWriter implements AutoCloseable {
    private final OutputStream out;
    private final boolean nanos;
    private final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);

    public PcapWriter(OutputStream out, int linkType, int snaplen, boolean nanos) throws IOException {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        this.nanos = nanos;
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        this.out.write(h.array());
    }

    public void write(long timestampNanos, byte[] data, int length, int originalLength) throws IOException {
        header.clear();
        long sec = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long frac = Math.floorMod(timestampNanos, 1_000_000_000L);
        header.putInt((int) sec).putInt((int) (nanos ? frac : frac / 1000)).putInt(length).putInt(originalLength);
        out.write(header.array());
        out.write(data, 0, length);
    }

    /** Writes raw bytes as they are: for deliberately malformed records. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
