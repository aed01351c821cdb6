package org.renkei.sensor.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CaptureReaderTest {
    @TempDir Path dir;

    record Rec(long ts, int linkType, int ifId, byte[] data) {
    }

    static List<Rec> readAll(CaptureReader reader) throws IOException {
        List<Rec> out = new ArrayList<>();
        PacketRecord r = new PacketRecord();
        while (reader.next(r)) out.add(new Rec(r.timestampNanos, r.linkType, r.interfaceId, r.copyBytes()));
        return out;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] pcap(ByteOrder order, boolean nanos, int linkType, long[] ts, byte[][] data) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(order);
        b.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        for (int i = 0; i < ts.length; i++) {
            long frac = ts[i] % 1_000_000_000L;
            b.putInt((int) (ts[i] / 1_000_000_000L)).putInt((int) (nanos ? frac : frac / 1000)).putInt(data[i].length).putInt(data[i].length);
            b.put(data[i]);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    @Test
    void readsMicrosecondLittleEndianPcap() throws IOException {
        byte[] file = pcap(ByteOrder.LITTLE_ENDIAN, false, 1, new long[] {1_700_000_000_123_456_000L}, new byte[][] {{1, 2, 3}});
        try (CaptureReader reader = CaptureReader.open(write("a.pcap", file))) {
            assertThat(reader.format()).isEqualTo(CaptureReader.Format.PCAP);
            List<Rec> recs = readAll(reader);
            assertThat(recs).hasSize(1);
            assertThat(recs.get(0).ts()).isEqualTo(1_700_000_000_123_456_000L);
            assertThat(recs.get(0).linkType()).isEqualTo(1);
            assertThat(recs.get(0).data()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void readsNanosecondBigEndianPcap() throws IOException {
        byte[] file = pcap(ByteOrder.BIG_ENDIAN, true, 101, new long[] {1_700_000_000_123_456_789L, 1_700_000_001_000_000_001L},
                new byte[][] {{9}, {8, 7}});
        try (CaptureReader reader = CaptureReader.open(write("b.pcap", file))) {
            List<Rec> recs = readAll(reader);
            assertThat(recs).extracting(Rec::ts).containsExactly(1_700_000_000_123_456_789L, 1_700_000_001_000_000_001L);
            assertThat(recs).extracting(Rec::linkType).containsOnly(101);
        }
    }

    @Test
    void readsPcapngSectionsWithTheirOwnByteOrderInterfacesAndResolutions() throws IOException {
        byte[] file = new PcapngBuilder()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(1, 65535, -1) // default microseconds
                .interfaceBlock(101, 65535, 9) // nanoseconds
                .unknownBlock(0x0BAD, 8)
                .enhancedPacket(0, 1_700_000_000_000_001L, new byte[] {1})
                .enhancedPacket(1, 1_700_000_000_000_000_002L, new byte[] {2, 2})
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(113, 64, 0x80 | 10) // 2^-10 s
                .simplePacket(new byte[] {3, 3, 3})
                .obsoletePacket(0, 2048, new byte[] {4})
                .bytes();
        try (CaptureReader reader = CaptureReader.open(write("c.pcapng", file))) {
            assertThat(reader.format()).isEqualTo(CaptureReader.Format.PCAPNG);
            List<Rec> recs = readAll(reader);
            assertThat(recs).extracting(Rec::linkType).containsExactly(1, 101, 113, 113);
            assertThat(recs.get(0).ts()).isEqualTo(1_700_000_000_000_001_000L);
            assertThat(recs.get(1).ts()).isEqualTo(1_700_000_000_000_000_002L);
            assertThat(recs.get(2).data()).containsExactly(3, 3, 3);
            assertThat(recs.get(3).ts()).isEqualTo(2_000_000_000L);
            assertThat(recs.get(1).ifId()).isEqualTo(1);
        }
    }

    @Test
    void simplePacketIsCutToTheInterfaceSnaplen() throws IOException {
        byte[] file = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 2, -1)
                .simplePacket(new byte[] {1, 2, 3, 4, 5}).bytes();
        try (CaptureReader reader = CaptureReader.open(write("snap.pcapng", file))) {
            assertThat(readAll(reader).get(0).data()).containsExactly(1, 2);
        }
    }

    @Test
    void skipsPacketBlockForUndeclaredInterface() throws IOException {
        byte[] file = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 0, -1)
                .enhancedPacket(5, 0, new byte[] {1}).enhancedPacket(0, 0, new byte[] {2}).bytes();
        try (CaptureReader reader = CaptureReader.open(write("if.pcapng", file))) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(reader.skipped(SkipReason.UNKNOWN_INTERFACE)).isEqualTo(1);
        }
    }

    @Test
    void readsGzipCompressedCaptureAsAStream() throws IOException {
        byte[] file = pcap(ByteOrder.LITTLE_ENDIAN, false, 1, new long[] {1_000_000_000L}, new byte[][] {{5, 6}});
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(file);
        }
        try (CaptureReader reader = CaptureReader.open(write("a.pcap.gz", gz.toByteArray()))) {
            assertThat(reader.compressed()).isTrue();
            assertThat(readAll(reader)).extracting(r -> r.data().length).containsExactly(2);
        }
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(gz.toByteArray()), "stdin")) {
            assertThat(readAll(reader)).hasSize(1);
        }
    }

    @Test
    void rejectsInputThatIsNotACaptureWithATypedError() throws IOException {
        Path text = write("notes.txt", "hello world, not a capture".getBytes());
        assertThatThrownBy(() -> CaptureReader.open(text)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("unknown magic number").hasMessageContaining("pcap or pcapng");
        Path empty = write("empty.pcap", new byte[0]);
        assertThatThrownBy(() -> CaptureReader.open(empty)).isInstanceOf(CaptureFormatException.class).hasMessageContaining("empty");
    }

    @Test
    void rejectsRecordLongerThanLimitAndStopsThere() throws IOException {
        byte[] good = pcap(ByteOrder.LITTLE_ENDIAN, false, 1, new long[] {0}, new byte[][] {{1}});
        ByteBuffer bad = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(0)
                .putInt(CaptureReader.MAX_RECORD_LENGTH + 1).putInt(10);
        byte[] file = concat(good, bad.array(), new byte[64]);
        try (CaptureReader reader = CaptureReader.open(write("long.pcap", file))) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(reader.skipped(SkipReason.RECORD_TOO_LONG)).isEqualTo(1);
        }
    }

    @Test
    void countsRecordCutShortByEndOfFile() throws IOException {
        byte[] file = pcap(ByteOrder.LITTLE_ENDIAN, false, 1, new long[] {0, 0}, new byte[][] {{1}, {1, 2, 3, 4}});
        byte[] cut = java.util.Arrays.copyOf(file, file.length - 2);
        try (CaptureReader reader = CaptureReader.open(write("cut.pcap", cut))) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(reader.skipped(SkipReason.TRUNCATED_RECORD)).isEqualTo(1);
        }
    }

    @Test
    void stopsAtPcapngBlockWithInvalidLength() throws IOException {
        byte[] file = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 0, -1)
                .enhancedPacket(0, 0, new byte[] {1})
                .raw(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(6).putInt(13).putInt(13).array()).bytes();
        try (CaptureReader reader = CaptureReader.open(write("bad.pcapng", file))) {
            assertThat(readAll(reader)).hasSize(1);
            assertThat(reader.skipped(SkipReason.BAD_BLOCK_LENGTH)).isEqualTo(1);
        }
    }

    static LongStream seeds() {
        long base = Long.getLong("renkei.test.seed", System.nanoTime());
        System.out.println("CaptureReaderTest seed base: " + base);
        return LongStream.range(0, 20).map(i -> base + i);
    }

    /** Random records written by {@link PcapWriter} come back byte for byte, mapped and streamed. */
    @ParameterizedTest
    @MethodSource("seeds")
    void roundTripsRandomRecords(long seed) throws IOException {
        System.out.println("seed " + seed);
        Random rnd = new Random(seed);
        int n = rnd.nextInt(200);
        boolean nanos = rnd.nextBoolean();
        List<Rec> written = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, 1, 65535, nanos)) {
            for (int i = 0; i < n; i++) {
                byte[] d = new byte[rnd.nextInt(rnd.nextBoolean() ? 80 : 3000)];
                rnd.nextBytes(d);
                long ts = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) % 4_000_000_000_000_000_000L;
                if (!nanos) ts = ts / 1000 * 1000;
                w.write(ts, d, d.length, d.length);
                written.add(new Rec(ts, 1, 0, d));
            }
        }
        Path file = write("rt.pcap", bytes.toByteArray());
        for (boolean streamed : new boolean[] {false, true}) {
            try (CaptureReader reader = streamed ? CaptureReader.open(Files.newInputStream(file), "s") : CaptureReader.open(file)) {
                List<Rec> read = readAll(reader);
                assertThat(read).hasSize(n);
                for (int i = 0; i < n; i++) {
                    assertThat(read.get(i).ts()).as("seed %d record %d", seed, i).isEqualTo(written.get(i).ts());
                    assertThat(read.get(i).data()).as("seed %d record %d", seed, i).isEqualTo(written.get(i).data());
                }
            }
        }
    }

    /**
     * A file several times the reader's 1 MiB buffer, with records up to the 256 KiB limit that
     * straddle its refills, comes back byte for byte; cut short at a random byte, every whole
     * record before the cut comes back and the cut one is counted as truncated.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void readsFilesLargerThanItsBufferAcrossRefills(long seed) throws IOException {
        System.out.println("seed " + seed);
        Random rnd = new Random(seed);
        List<Rec> written = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        try (PcapWriter w = new PcapWriter(bytes, 1, CaptureReader.MAX_RECORD_LENGTH, true)) {
            for (int i = 0; bytes.size() < 5 << 20; i++) {
                int len = switch (rnd.nextInt(8)) {
                    case 0 -> CaptureReader.MAX_RECORD_LENGTH - rnd.nextInt(2);
                    case 1 -> rnd.nextInt(CaptureReader.MAX_RECORD_LENGTH);
                    default -> 40 + rnd.nextInt(100);
                };
                byte[] d = new byte[len];
                rnd.nextBytes(d);
                w.write(i * 1_000L, d, d.length, d.length);
                w.flush();
                written.add(new Rec(i * 1_000L, 1, 0, d));
                ends.add(bytes.size());
            }
        }
        byte[] all = bytes.toByteArray();
        Path file = write("big.pcap", all);
        try (CaptureReader reader = CaptureReader.open(file)) {
            assertThat(reader.sizeIfKnown()).isEqualTo(all.length);
            List<Rec> read = readAll(reader);
            assertThat(read).hasSize(written.size());
            for (int i = 0; i < read.size(); i++) assertThat(read.get(i).data()).as("seed %d record %d", seed, i).isEqualTo(written.get(i).data());
            assertThat(reader.bytesConsumed()).isEqualTo(all.length);
            assertThat(reader.skipped(SkipReason.TRUNCATED_RECORD)).isZero();
        }
        int cut = 25 + rnd.nextInt(all.length - 25); // past the file header
        int whole = (int) ends.stream().filter(e -> e <= cut).count();
        Path shortFile = write("cut.pcap", java.util.Arrays.copyOf(all, cut));
        try (CaptureReader reader = CaptureReader.open(shortFile)) {
            List<Rec> read = readAll(reader);
            assertThat(read).as("seed %d cut at %d", seed, cut).hasSize(whole);
            for (int i = 0; i < whole; i++) assertThat(read.get(i).data()).isEqualTo(written.get(i).data());
            assertThat(reader.skipped(SkipReason.TRUNCATED_RECORD)).isEqualTo(ends.contains(cut) ? 0 : 1);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}
