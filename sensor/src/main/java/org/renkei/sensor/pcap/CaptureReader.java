package org.renkei.sensor.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads pcap and pcapng captures record by record into a reused {@link PacketRecord}.
 *
 * <p>A regular uncompressed file is read into a reused off-heap buffer; gzip files and
 * streams through a heap buffer. A record's bytes are valid until the next call of
 * {@link #next}. The format is sniffed from the first bytes, never from the name.
 * Records that cannot be trusted are skipped and counted ({@link #skipped(SkipReason)});
 * when a length field is corrupt the rest of the file cannot be framed, so the reader
 * stops there (like libpcap and wiretap do) and counts why.
 */
public final class CaptureReader implements AutoCloseable {
    /** Largest record we accept; libpcap's own ceiling for most link types is 256 KiB too. */
    public static final int MAX_RECORD_LENGTH = 256 * 1024;

    private static final int PCAP_MAGIC_US = 0xA1B2C3D4;
    private static final int PCAP_MAGIC_NS = 0xA1B23C4D;
    private static final int PCAPNG_SHB = 0x0A0D0D0A;
    private static final int PCAPNG_BOM = 0x1A2B3C4D;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** What kind of capture this is. */
    public enum Format { PCAP, PCAPNG }

    private final CaptureInput in;
    private final String name;
    private final Format format;
    private final boolean compressed;
    private final long[] skipped = new long[SkipReason.values().length];
    private boolean bigEndian;
    private boolean stopped;
    private long records;

    // pcap
    private int pcapLinkType;
    private int pcapSnaplen;
    private boolean pcapNanos;

    // pcapng interfaces of the current section
    private int interfaceCount;
    private int[] ifLinkType = new int[4];
    private int[] ifSnaplen = new int[4];
    /** Timestamp units per second per interface, or negative -k for 2^k units per second. */
    private long[] ifUnitsPerSecond = new long[4];
    private long[] ifOffsetSeconds = new long[4];

    private CaptureReader(CaptureInput in, String name, boolean compressed) throws IOException {
        this.in = in;
        this.name = name;
        this.compressed = compressed;
        try {
            this.format = readFileHeader();
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Opens a file: gzip is streamed, anything else read through an off-heap buffer. */
    public static CaptureReader open(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such capture file");
        if (Files.isDirectory(file)) throw new CaptureFormatException(file + " is a directory, not a capture file");
        if (isGzip(file)) {
            return new CaptureReader(new CaptureInput.Streamed(new GZIPInputStream(Files.newInputStream(file), 1 << 16)),
                    file.toString(), true);
        }
        return new CaptureReader(new CaptureInput.FileRead(file), file.toString(), false);
    }

    /** Reads a capture from a stream (e.g. stdin from {@code tcpdump -w -}); gzip is detected and unwrapped. */
    public static CaptureReader open(InputStream stream, String name) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gz = b0 == 0x1f && b1 == 0x8b;
        InputStream source = gz ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        return new CaptureReader(new CaptureInput.Streamed(source), name, gz);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream s = Files.newInputStream(file)) {
            return s.read() == 0x1f && s.read() == 0x8b;
        }
    }

    public Format format() {
        return format;
    }

    public boolean compressed() {
        return compressed;
    }

    /** Bytes of (uncompressed) input consumed so far. */
    public long bytesConsumed() {
        return in.consumed();
    }

    /** Size of the (uncompressed) file, or -1 for gzip files and streams. */
    public long sizeIfKnown() {
        return in instanceof CaptureInput.FileRead f ? f.size() : -1;
    }

    public long skipped(SkipReason reason) {
        return skipped[reason.ordinal()];
    }

    public long recordsRead() {
        return records;
    }

    /** Link type of a classic pcap file (or of the first pcapng interface seen, 0 if none yet). */
    public int linkType() {
        return format == Format.PCAP ? pcapLinkType : (interfaceCount > 0 ? ifLinkType[0] : -1);
    }

    private CaptureFormatException notACapture(String what) {
        return new CaptureFormatException(name + ": " + what
                + ". Expected a pcap or pcapng capture (optionally gzip-compressed), e.g. written by 'tcpdump -w FILE'.");
    }

    private Format readFileHeader() throws IOException {
        if (!in.ensure(4)) throw notACapture("file is empty or shorter than any capture header");
        MemorySegment s = in.segment;
        int magicBe = s.get(INT_BE, in.position);
        int magicLe = s.get(INT_LE, in.position);
        if (magicBe == PCAPNG_SHB) {
            return Format.PCAPNG; // the SHB is parsed as the first block
        }
        if (magicBe == PCAP_MAGIC_US || magicBe == PCAP_MAGIC_NS) {
            bigEndian = true;
            pcapNanos = magicBe == PCAP_MAGIC_NS;
        } else if (magicLe == PCAP_MAGIC_US || magicLe == PCAP_MAGIC_NS) {
            bigEndian = false;
            pcapNanos = magicLe == PCAP_MAGIC_NS;
        } else {
            throw notACapture(String.format("unknown magic number 0x%08x", magicBe));
        }
        if (!in.ensure(24)) throw notACapture("pcap file header is cut short (" + (in.limit - in.position) + " of 24 bytes)");
        s = in.segment;
        int major = u16(s, in.position + 4);
        if (major != 2) throw notACapture("unsupported pcap version " + major + " (only 2.x exists)");
        pcapSnaplen = i32(s, in.position + 16);
        // The upper bits of the link type field carry FCS information (pcap spec, LinkType and additional info).
        pcapLinkType = i32(s, in.position + 20) & 0x0FFFFFFF;
        in.position += 24;
        return Format.PCAP;
    }

    /** Fills {@code r} with the next record; false at end of input (or where the file could no longer be framed). */
    public boolean next(PacketRecord r) throws IOException {
        if (stopped) return false;
        return format == Format.PCAP ? nextPcap(r) : nextPcapng(r);
    }

    private boolean stop(SkipReason reason) {
        skipped[reason.ordinal()]++;
        stopped = true;
        return false;
    }

    private boolean nextPcap(PacketRecord r) throws IOException {
        if (!in.has(16)) {
            if (in.limit > in.position) return stop(SkipReason.TRUNCATED_RECORD);
            stopped = true;
            return false;
        }
        MemorySegment s = in.view;
        long p = in.viewBase + in.position;
        // The record header as two 8-byte reads (seconds and fraction; captured and original length).
        long w0 = s.get(LONG_LE, p), w1 = s.get(LONG_LE, p + 8);
        if (bigEndian) {
            w0 = Long.reverseBytes(Long.rotateLeft(w0, 32));
            w1 = Long.reverseBytes(Long.rotateLeft(w1, 32));
        }
        long sec = w0 & 0xFFFFFFFFL;
        long frac = w0 >>> 32;
        int caplen = (int) w1;
        int origlen = (int) (w1 >>> 32);
        if (caplen < 0 || caplen > MAX_RECORD_LENGTH) return stop(SkipReason.RECORD_TOO_LONG);
        if (!in.has(16L + caplen)) return stop(SkipReason.TRUNCATED_RECORD);
        records++;
        r.data = in.view; // has() may have refilled the buffer: read position and view again
        r.offset = in.viewBase + in.position + 16;
        r.capturedLength = caplen;
        r.originalLength = Math.max(origlen, caplen);
        r.linkType = pcapLinkType;
        r.interfaceId = 0;
        r.timestampNanos = sec * 1_000_000_000L + (pcapNanos ? frac : frac * 1000L);
        r.recordNumber = records;
        in.position += 16L + caplen;
        return true;
    }

    private boolean nextPcapng(PacketRecord r) throws IOException {
        while (true) {
            if (!in.ensure(12)) {
                if (in.limit > in.position) return stop(SkipReason.TRUNCATED_RECORD);
                stopped = true;
                return false;
            }
            MemorySegment s = in.segment;
            long p = in.position;
            int type = s.get(INT_BE, p); // the SHB type is a palindrome, so either order reads it
            if (type == PCAPNG_SHB) {
                int bomLe = s.get(INT_LE, p + 8);
                if (bomLe == PCAPNG_BOM) bigEndian = false;
                else if (bomLe == Integer.reverseBytes(PCAPNG_BOM)) bigEndian = true;
                else if (records == 0 && p == 0) throw notACapture("pcapng section header has an invalid byte-order magic");
                else return stop(SkipReason.BAD_SECTION_HEADER);
                interfaceCount = 0;
            } else {
                type = i32(s, p);
            }
            long blockLen = i32(s, p + 4) & 0xFFFFFFFFL;
            if (blockLen < 12 || (blockLen & 3) != 0 || blockLen > MAX_RECORD_LENGTH + 4096L) {
                if (records == 0 && p == 0) throw notACapture("pcapng section header has an invalid length " + blockLen);
                return stop(blockLen > MAX_RECORD_LENGTH ? SkipReason.RECORD_TOO_LONG : SkipReason.BAD_BLOCK_LENGTH);
            }
            if (!in.ensure(blockLen)) return stop(SkipReason.TRUNCATED_RECORD);
            s = in.segment;
            p = in.position;
            if ((i32(s, p + blockLen - 4) & 0xFFFFFFFFL) != blockLen) return stop(SkipReason.BAD_BLOCK_LENGTH);
            in.position += blockLen;
            switch (type) {
                case 1 -> readInterface(s, p, blockLen);
                case 6 -> { // enhanced packet block
                    if (blockLen < 32) { skip(SkipReason.BAD_PACKET_BLOCK); continue; }
                    int ifId = i32(s, p + 8);
                    long ts = ((i32(s, p + 12) & 0xFFFFFFFFL) << 32) | (i32(s, p + 16) & 0xFFFFFFFFL);
                    int caplen = i32(s, p + 20);
                    int origlen = i32(s, p + 24);
                    if (fill(r, s, p + 28, blockLen - 32, ifId, ts, caplen, origlen)) return true;
                }
                case 3 -> { // simple packet block: no interface id, interface 0 implied; caplen from the block
                    if (blockLen < 16) { skip(SkipReason.BAD_PACKET_BLOCK); continue; }
                    int origlen = i32(s, p + 8);
                    if (interfaceCount == 0) { skip(SkipReason.UNKNOWN_INTERFACE); continue; }
                    long room = blockLen - 16;
                    int snap = ifSnaplen[0] == 0 ? Integer.MAX_VALUE : ifSnaplen[0];
                    int caplen = (int) Math.min(Math.min(room, origlen & 0xFFFFFFFFL), snap);
                    if (fillRaw(r, s, p + 12, caplen, origlen, 0, Long.MIN_VALUE)) return true;
                }
                case 2 -> { // obsolete packet block
                    if (blockLen < 32) { skip(SkipReason.BAD_PACKET_BLOCK); continue; }
                    int ifId = u16(s, p + 8);
                    long ts = ((i32(s, p + 12) & 0xFFFFFFFFL) << 32) | (i32(s, p + 16) & 0xFFFFFFFFL);
                    int caplen = i32(s, p + 20);
                    int origlen = i32(s, p + 24);
                    if (fill(r, s, p + 28, blockLen - 32, ifId, ts, caplen, origlen)) return true;
                }
                default -> { } // SHB (handled above), NRB, ISB, DSB, custom and unknown blocks carry no packets
            }
        }
    }

    private void skip(SkipReason reason) {
        records++;
        skipped[reason.ordinal()]++;
    }

    private boolean fill(PacketRecord r, MemorySegment s, long dataOffset, long room, int ifId, long ts, int caplen, int origlen) {
        if (ifId < 0 || ifId >= interfaceCount) { skip(SkipReason.UNKNOWN_INTERFACE); return false; }
        if (caplen < 0 || caplen > room) { skip(caplen > MAX_RECORD_LENGTH ? SkipReason.RECORD_TOO_LONG : SkipReason.BAD_PACKET_BLOCK); return false; }
        return fillRaw(r, s, dataOffset, caplen, origlen, ifId, ts);
    }

    private boolean fillRaw(PacketRecord r, MemorySegment s, long dataOffset, int caplen, int origlen, int ifId, long ts) {
        records++;
        r.data = s;
        r.offset = dataOffset;
        r.capturedLength = caplen;
        r.originalLength = Math.max(origlen, caplen);
        r.linkType = ifLinkType[ifId];
        r.interfaceId = ifId;
        r.timestampNanos = ts == Long.MIN_VALUE ? 0 : toNanos(ts, ifUnitsPerSecond[ifId]) + ifOffsetSeconds[ifId] * 1_000_000_000L;
        r.recordNumber = records;
        return true;
    }

    static long toNanos(long ts, long unitsPerSecond) {
        if (unitsPerSecond > 0) {
            if (unitsPerSecond == 1_000_000L) return ts * 1000L;
            if (unitsPerSecond == 1_000_000_000L) return ts;
            long sec = Long.divideUnsigned(ts, unitsPerSecond);
            long rem = Long.remainderUnsigned(ts, unitsPerSecond);
            return sec * 1_000_000_000L + (long) ((double) rem * 1e9 / unitsPerSecond);
        }
        int k = (int) -unitsPerSecond;
        long sec = k >= 64 ? 0 : ts >>> k;
        long rem = k >= 64 ? ts : ts & ((1L << k) - 1);
        return sec * 1_000_000_000L + (long) ((double) rem * 1e9 / Math.pow(2, k));
    }

    private void readInterface(MemorySegment s, long p, long blockLen) {
        if (interfaceCount == ifLinkType.length) {
            int n = interfaceCount * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, n);
            ifSnaplen = Arrays.copyOf(ifSnaplen, n);
            ifUnitsPerSecond = Arrays.copyOf(ifUnitsPerSecond, n);
            ifOffsetSeconds = Arrays.copyOf(ifOffsetSeconds, n);
        }
        int i = interfaceCount++;
        if (blockLen < 20) { // too short for its fixed fields: keep the slot so interface ids stay aligned
            ifLinkType[i] = -1;
            ifSnaplen[i] = 0;
            ifUnitsPerSecond[i] = 1_000_000L;
            ifOffsetSeconds[i] = 0;
            return;
        }
        ifLinkType[i] = u16(s, p + 8);
        ifSnaplen[i] = i32(s, p + 12);
        ifUnitsPerSecond[i] = 1_000_000L;
        ifOffsetSeconds[i] = 0;
        long o = p + 16;
        long end = p + blockLen - 4;
        while (o + 4 <= end) {
            int code = u16(s, o);
            int len = u16(s, o + 2);
            if (code == 0) break;
            if (o + 4 + len > end) break;
            if (code == 9 && len >= 1) {
                int v = s.get(ValueLayout.JAVA_BYTE, o + 4) & 0xFF;
                if ((v & 0x80) == 0) {
                    ifUnitsPerSecond[i] = v <= 18 ? pow10(v) : 1_000_000L;
                } else {
                    int k = v & 0x7F;
                    ifUnitsPerSecond[i] = k == 0 ? 1 : -k;
                }
            } else if (code == 14 && len >= 8) {
                ifOffsetSeconds[i] = bigEndian ? s.get(LONG_BE, o + 4) : s.get(LONG_LE, o + 4);
            }
            o += 4 + ((len + 3) & ~3);
        }
    }

    private static long pow10(int v) {
        long x = 1;
        for (int i = 0; i < v; i++) x *= 10;
        return x;
    }

    private int i32(MemorySegment s, long off) {
        return bigEndian ? s.get(INT_BE, off) : s.get(INT_LE, off);
    }

    private int u16(MemorySegment s, long off) {
        return (bigEndian ? s.get(SHORT_BE, off) : s.get(SHORT_LE, off)) & 0xFFFF;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
