package org.renkei.sensor.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a capture, seen through a window: {@link #ensure(long)} makes
 * {@code n} bytes from {@link #position} readable in {@link #segment}. A file is read
 * into a reused off-heap buffer, a stream into a heap buffer; either grows for a record
 * larger than itself, so the format parsers are written once for both.
 */
abstract sealed class CaptureInput implements AutoCloseable {
    MemorySegment segment;
    long position;
    long limit;
    /**
     * What the per-record path reads through: byte {@code position} of {@link #segment} is at
     * {@code viewBase + position} in {@code view}. For a stream that is the segment itself (base 0);
     * for a file, {@link RawMemory#ALL} where it exists.
     */
    MemorySegment view;
    long viewBase;

    /** True when {@code n} bytes from {@link #position} are readable; false at end of input. */
    abstract boolean ensure(long n) throws IOException;

    /** {@link #ensure} with its common case, the bytes already in the buffer, decided here. */
    final boolean has(long n) throws IOException {
        return position + n <= limit || ensure(n);
    }

    /** Total bytes consumed so far (for progress). */
    abstract long consumed();

    @Override
    public abstract void close() throws IOException;

    /**
     * A regular file, read with {@code read(2)} into one reused off-heap buffer. The file used to
     * be memory-mapped, but first touching each 4 KiB page of a mapping costs a page fault, and on
     * this project's (virtualised) machine that was ~35 ns a packet of 76 bytes: more than reading,
     * decoding and classifying together. Copying the bytes costs ~9 ns a packet, and the buffer,
     * reused, stays mapped and cached. A record is valid until the next {@link #ensure} that
     * refills the buffer, as with a stream.
     */
    static final class FileRead extends CaptureInput {
        /**
         * 256 KiB: one system call per ~3,400 packets of 76 bytes, and small enough that the kernel's copy
         * into it stays in the core's L2 beside the scan table's lines (round 8, 1 M sources: 1-4 % more
         * packets per CPU-second than with 1 MiB; 64 and 128 KiB no better).
         */
        private static final int BUFFER = 1 << 18;
        private final FileChannel channel;
        private final long size;
        private final Arena arena;
        private java.nio.ByteBuffer buffer;
        private long consumedBeforeBuffer;
        private boolean eof;

        FileRead(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                size = channel.size();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            arena = Arena.ofShared();
            segment = arena.allocate(BUFFER, 4096);
            buffer = segment.asByteBuffer();
            see(segment);
        }

        /** Points {@link #view} at {@code buffer}: through {@link #ALL} where it exists. */
        private void see(MemorySegment buffer) {
            view = ALL != null ? ALL : buffer;
            viewBase = ALL != null ? buffer.address() : 0;
        }

        /**
         * {@link RawMemory#ALL}: the per-record path reads the buffer by absolute address. Safe because
         * the parser reads only within {@code limit} of the buffer (what {@link #ensure} guaranteed)
         * and never after {@link #close}; a record is documented valid only until the next read.
         */
        private static final MemorySegment ALL = RawMemory.ALL;

        /** Size of the file when it was opened. */
        long size() {
            return size;
        }

        @Override
        boolean ensure(long n) throws IOException {
            if (position + n <= limit) return true;
            if (eof) return false;
            long rest = limit - position;
            if (n > segment.byteSize()) {
                // A record larger than the buffer (the reader bounds it: at most MAX_RECORD_LENGTH + 4 KiB):
                // a larger buffer from the same arena, freed with it; rare, so the old one just stays.
                MemorySegment bigger = arena.allocate(Long.highestOneBit(n) * 2, 4096);
                if (rest > 0) MemorySegment.copy(segment, position, bigger, 0, rest);
                segment = bigger;
                buffer = segment.asByteBuffer();
                see(segment);
            } else if (rest > 0) {
                MemorySegment.copy(segment, position, segment, 0, rest);
            }
            consumedBeforeBuffer += position;
            limit = rest;
            position = 0;
            while (limit < n) {
                buffer.limit((int) segment.byteSize()).position((int) limit);
                int r = channel.read(buffer);
                if (r < 0) {
                    eof = true;
                    return false;
                }
                limit += r;
            }
            return true;
        }

        @Override
        long consumed() {
            return consumedBeforeBuffer + position;
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                arena.close();
            }
        }
    }

    static final class Streamed extends CaptureInput {
        private final InputStream in;
        private byte[] buffer;
        private long consumedBeforeBuffer;
        private boolean eof;

        Streamed(InputStream in) {
            this.in = in;
            this.buffer = new byte[1 << 20];
            this.segment = MemorySegment.ofArray(buffer);
            this.view = segment;
        }

        @Override
        boolean ensure(long n) throws IOException {
            if (position + n <= limit) return true;
            if (eof) return false;
            if (n > buffer.length) {
                // Only for records larger than the buffer; bounded by the record length limit.
                byte[] bigger = new byte[(int) Math.max(n, (long) buffer.length * 2)];
                System.arraycopy(buffer, (int) position, bigger, 0, (int) (limit - position));
                buffer = bigger;
            } else {
                System.arraycopy(buffer, (int) position, buffer, 0, (int) (limit - position));
            }
            consumedBeforeBuffer += position;
            limit -= position;
            position = 0;
            segment = MemorySegment.ofArray(buffer);
            view = segment;
            while (limit < n) {
                int r = in.read(buffer, (int) limit, buffer.length - (int) limit);
                if (r < 0) {
                    eof = true;
                    return false;
                }
                limit += r;
            }
            return true;
        }

        @Override
        long consumed() {
            return consumedBeforeBuffer + position;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
