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
 * {@code n} bytes from {@link #position} readable in {@link #segment}. A mapped file
 * is one window over the whole file; a stream refills a growing heap buffer, so the
 * format parsers are written once for both.
 */
abstract sealed class CaptureInput implements AutoCloseable {
    MemorySegment segment;
    long position;
    long limit;

    /** True when {@code n} bytes from {@link #position} are readable; false at end of input. */
    abstract boolean ensure(long n) throws IOException;

    /** Total bytes consumed so far (for progress). */
    abstract long consumed();

    @Override
    public abstract void close() throws IOException;

    static final class Mapped extends CaptureInput {
        private final Arena arena;

        Mapped(Path file) throws IOException {
            arena = Arena.ofShared();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                segment = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                limit = size;
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        @Override
        boolean ensure(long n) {
            return position + n <= limit;
        }

        @Override
        long consumed() {
            return position;
        }

        @Override
        public void close() {
            arena.close();
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
