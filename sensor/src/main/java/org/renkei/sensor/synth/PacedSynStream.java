package org.renkei.sensor.synth;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;

import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.pcap.PcapWriter;

/**
 * A pcap stream of 60-byte TCP SYNs at a steady packet rate of wall-clock time, for
 * feeding {@code renkei sensor} from a pipe (soak tests): each source scans one port of
 * the 198.18.0.0/16 darknet, so every source becomes one scan campaign once it has
 * probed enough destinations. Capture timestamps follow the schedule (start time + i /
 * rate), so the sensor sees the same rate in capture time.
 *
 * <p>Pacing: packets are written in ticks of {@link #TICK_NANOS}; before each tick the
 * writer waits on the {@link Clock} until the tick is due, and writes exactly the packets
 * the schedule owes by then (rate × elapsed), so the rate does not drift when a write or a
 * sleep takes longer: a late tick writes more. The clock is injectable for tests.
 */
public final class PacedSynStream {
    /** Time source and sleep of the pacing; {@link #SYSTEM} in production. */
    public interface Clock {
        long nanoTime();

        long epochNanos();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    public static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochNanos() {
            return System.currentTimeMillis() * 1_000_000L;
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        }
    };

    /** Writes (and flushes) every 5 ms. */
    public static final long TICK_NANOS = 5_000_000L;

    private static final int[] PORTS = {23, 22, 80, 443, 445, 3389, 8080, 2323};

    private PacedSynStream() {
    }

    /**
     * Writes {@code packetsPerSecond × seconds} packets ({@code seconds} ≤ 0: until the
     * output fails, e.g. the reader of the pipe exits) and returns how many were written.
     */
    public static long write(OutputStream out, long packetsPerSecond, long seconds, int sources, long seed, Clock clock)
            throws IOException, InterruptedException {
        if (packetsPerSecond < 1) throw new IllegalArgumentException("packets per second must be at least 1");
        if (sources < 1) throw new IllegalArgumentException("sources must be at least 1");
        Random r = new Random(seed);
        int[] src = TrafficSynthesizer.randomSources(r, sources);
        long total = seconds > 0 ? Math.multiplyExact(packetsPerSecond, seconds) : Long.MAX_VALUE;
        PacketBuilder pb = new PacketBuilder();
        pb.payloadLength = 0;
        byte[] frame = new byte[60];
        long startEpoch = clock.epochNanos();
        long start = clock.nanoTime();
        PcapWriter w = new PcapWriter(out, 1, 65535, true);
        long written = 0;
        for (long tick = 1; written < total; tick++) {
            long due = start + tick * TICK_NANOS;
            long wait = due - clock.nanoTime();
            if (wait > 0) clock.sleepNanos(wait);
            long elapsed = Math.max(clock.nanoTime(), due) - start;
            // Packets the schedule owes at this time (integer arithmetic: no drift, no overflow).
            long owed = Math.min(total, atTime(elapsed, packetsPerSecond));
            for (; written < owed; written++) {
                int s = r.nextInt(sources);
                int dst = TrafficSynthesizer.DARKNET_BASE | r.nextInt(TrafficSynthesizer.DARKNET_SIZE);
                pb.tcp(src[s], dst, 1024 + r.nextInt(60000), PORTS[s % PORTS.length], DecodedPacket.SYN);
                pb.seq = r.nextInt() & 0xFFFFFFFFL;
                pb.ipId = r.nextInt(65536);
                pb.ttl = 30 + (s % 200);
                pb.window = 65535;
                int len = pb.build();
                System.arraycopy(pb.array(), 0, frame, 0, len);
                Arrays.fill(frame, len, 60, (byte) 0);
                w.write(startEpoch + (written / packetsPerSecond) * 1_000_000_000L + (written % packetsPerSecond) * 1_000_000_000L / packetsPerSecond,
                        frame, 60, 60);
            }
            w.flush();
        }
        return written;
    }

    /** Packets due {@code elapsedNanos} after the start at {@code rate} per second. */
    static long atTime(long elapsedNanos, long rate) {
        return (elapsedNanos / 1_000_000_000L) * rate + (elapsedNanos % 1_000_000_000L) * rate / 1_000_000_000L;
    }
}
