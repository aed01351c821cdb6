package org.renkei.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's binary {@code COPY} format, sent with {@code COPY table FROM STDIN
 * (FORMAT binary)}: the way to hand the database thousands of rows at once.
 *
 * <p>Why not bound arrays ({@code insert ... select from unnest(?, ?, ...)}): the driver
 * writes every array as escaped text and the server parses it back, which was a tenth of
 * the ingest's CPU on the JVM side alone. Here each value goes as its length and its bytes.
 *
 * <p>Usage: {@link #row} with the column count, then exactly that many values, in the
 * table's (or the column list's) order; then {@link #copyIn}. Or, for large batches,
 * {@link #into}: the rows are sent while they are written, in chunks, and {@link #finish}
 * ends the COPY.
 *
 * <p>Why stream: a 20,000-object batch is ~18 MB of COPY data. Built whole, the buffer
 * doubled nine times (each a fresh humongous array to zero and copy; a quarter of the ingest
 * writer's CPU samples) and the database idled until the last row was encoded. Streamed,
 * the buffer stays at one chunk and the server parses and inserts rows while the rest are
 * being encoded.
 */
public final class BinaryCopy implements AutoCloseable {
    /** Streamed rows are sent whenever this much is buffered, at a row boundary. */
    static final int CHUNK = 1 << 17;

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};
    private static final int UUID_OID = 2950;
    private static final int TEXT_OID = 25;

    private final Buffer out = new Buffer(1 << 16);
    private int rows;
    /** The open COPY of a streaming instance, else null. */
    private CopyIn stream;
    /** The first failure of a streamed send; reported by {@link #finish}. */
    private SQLException failure;

    public BinaryCopy() {
        out.write(SIGNATURE, 0, SIGNATURE.length);
        out.int32(0); // flags
        out.int32(0); // header extension length
    }

    /**
     * Starts {@code copySql} ({@code COPY t (cols) FROM STDIN (FORMAT binary)}) on the connection
     * and returns rows that are sent as they are written. The connection can run nothing else
     * until {@link #finish} (or {@link #close}, which abandons the COPY).
     */
    public static BinaryCopy into(Connection connection, String copySql) throws SQLException {
        BinaryCopy copy = new BinaryCopy();
        copy.stream = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        return copy;
    }

    /** Starts a row of {@code columns} values. */
    public BinaryCopy row(int columns) {
        if (stream != null && out.size() >= CHUNK) {
            send();
        }
        out.int16(columns);
        rows++;
        return this;
    }

    /** Hands the buffered bytes to the open COPY; a failure is kept for {@link #finish}. */
    private void send() {
        if (failure == null) {
            try {
                stream.writeToCopy(out.buffer(), 0, out.size());
            } catch (SQLException e) {
                failure = e;
            }
        }
        out.clear();
    }

    /**
     * Ends a streamed COPY ({@link #into}): sends the rest and the trailer and returns the
     * number of rows the server took. On failure (e.g. a unique violation) the COPY is over
     * and the connection usable again (within a failed transaction or savepoint).
     */
    public long finish() throws SQLException {
        if (stream == null) {
            throw new IllegalStateException("finish() is for rows from BinaryCopy.into; use copyIn");
        }
        try {
            out.write(TRAILER, 0, TRAILER.length);
            send();
            if (failure != null) {
                throw failure;
            }
            return stream.endCopy();
        } finally {
            close();
        }
    }

    /** Abandons a streamed COPY that was not finished (the server discards its rows). */
    @Override
    public void close() throws SQLException {
        if (stream != null && stream.isActive()) {
            stream.cancelCopy();
        }
    }

    public int rows() {
        return rows;
    }

    public BinaryCopy text(String s) {
        if (s == null) {
            return nul();
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.int32(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    public BinaryCopy int8(long v) {
        out.int32(8);
        out.int64(v);
        return this;
    }

    public BinaryCopy int2(int v) {
        out.int32(2);
        out.int16(v);
        return this;
    }

    public BinaryCopy bool(boolean v) {
        out.int32(1);
        out.write(v ? 1 : 0);
        return this;
    }

    public BinaryCopy uuid(UUID v) {
        if (v == null) {
            return nul();
        }
        out.int32(16);
        out.int64(v.getMostSignificantBits());
        out.int64(v.getLeastSignificantBits());
        return this;
    }

    /** A one-dimensional {@code uuid[]} (no null elements). */
    public BinaryCopy uuidArray(Collection<UUID> values) {
        out.int32(arrayHeaderLength(values.size()) + values.size() * (4 + 16));
        arrayHeader(values.size(), UUID_OID);
        for (UUID v : values) {
            out.int32(16);
            out.int64(v.getMostSignificantBits());
            out.int64(v.getLeastSignificantBits());
        }
        return this;
    }

    /** A one-dimensional {@code text[]} (no null elements). */
    public BinaryCopy textArray(Collection<String> values) {
        byte[][] encoded = new byte[values.size()][];
        int length = arrayHeaderLength(values.size());
        int i = 0;
        for (String v : values) {
            encoded[i] = v.getBytes(StandardCharsets.UTF_8);
            length += 4 + encoded[i++].length;
        }
        out.int32(length);
        arrayHeader(values.size(), TEXT_OID);
        for (byte[] b : encoded) {
            out.int32(b.length);
            out.write(b, 0, b.length);
        }
        return this;
    }

    public BinaryCopy nul() {
        out.int32(-1);
        return this;
    }

    private static int arrayHeaderLength(int n) {
        return n == 0 ? 12 : 20;
    }

    private void arrayHeader(int n, int elementOid) {
        out.int32(n == 0 ? 0 : 1); // dimensions
        out.int32(0);              // no nulls
        out.int32(elementOid);
        if (n > 0) {
            out.int32(n);          // length of the dimension
            out.int32(1);          // its lower bound
        }
    }

    /**
     * Sends the rows: {@code copySql} is {@code COPY t (cols) FROM STDIN (FORMAT binary)}.
     * Returns the number of rows the server took.
     */
    public long copyIn(Connection connection, String copySql) throws SQLException {
        if (stream != null) {
            throw new IllegalStateException("these rows are streamed; use finish()");
        }
        // the trailer goes with each send, so the same rows can be sent again (e.g. after a failed attempt)
        var data = new SequenceInputStream(new ByteArrayInputStream(out.buffer(), 0, out.size()),
                new ByteArrayInputStream(TRAILER));
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, data, 1 << 16);
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
    }

    /** A growable big-endian byte buffer that exposes its array (no copy on send, no locking per byte). */
    private static final class Buffer {
        private byte[] buf;
        private int size;

        Buffer(int capacity) {
            buf = new byte[capacity];
        }

        byte[] buffer() {
            return buf;
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        void int16(int v) {
            ensure(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void int32(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }
    }
}
