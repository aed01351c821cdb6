package org.renkei.sensor.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Hand-assembles pcapng blocks for tests, in either byte order. */
final class PcapngBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    PcapngBuilder section(ByteOrder order) {
        this.order = order;
        ByteBuffer b = block(0x0A0D0D0A, 16);
        b.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
        return end(b);
    }

    /** tsresol: -1 for none, else the raw option byte. */
    PcapngBuilder interfaceBlock(int linkType, int snaplen, int tsresol) {
        int opt = tsresol >= 0 ? 8 + 4 : 0;
        ByteBuffer b = block(1, 8 + opt);
        b.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (tsresol >= 0) {
            b.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put((byte) 0).put((byte) 0).put((byte) 0);
            b.putShort((short) 0).putShort((short) 0);
        }
        return end(b);
    }

    PcapngBuilder enhancedPacket(int ifId, long ts, byte[] data) {
        int padded = (data.length + 3) & ~3;
        ByteBuffer b = block(6, 20 + padded);
        b.putInt(ifId).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(data.length).putInt(data.length + 10);
        b.put(data).put(new byte[padded - data.length]);
        return end(b);
    }

    PcapngBuilder simplePacket(byte[] data) {
        int padded = (data.length + 3) & ~3;
        ByteBuffer b = block(3, 4 + padded);
        b.putInt(data.length).put(data).put(new byte[padded - data.length]);
        return end(b);
    }

    PcapngBuilder obsoletePacket(int ifId, long ts, byte[] data) {
        int padded = (data.length + 3) & ~3;
        ByteBuffer b = block(2, 20 + padded);
        b.putShort((short) ifId).putShort((short) 0).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(data.length).putInt(data.length);
        b.put(data).put(new byte[padded - data.length]);
        return end(b);
    }

    PcapngBuilder unknownBlock(int type, int bodyLength) {
        ByteBuffer b = block(type, bodyLength);
        b.put(new byte[bodyLength]);
        return end(b);
    }

    PcapngBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    private ByteBuffer block(int type, int body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body).order(order);
        b.putInt(type).putInt(12 + body);
        return b;
    }

    private PcapngBuilder end(ByteBuffer b) {
        b.putInt(b.capacity());
        out.writeBytes(b.array());
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
