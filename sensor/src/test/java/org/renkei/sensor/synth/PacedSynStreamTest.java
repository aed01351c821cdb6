package org.renkei.sensor.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.decode.PacketDecoder;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;

/** The paced generator, on a clock that moves only when it sleeps: no test depends on real time. */
class PacedSynStreamTest {
    /** Moves only when slept; records, at each sleep, how many bytes the writer had flushed by then. */
    static class Clock implements PacedSynStream.Clock {
        long now;
        final List<long[]> flushedAt = new ArrayList<>();
        final Counting out = new Counting();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochNanos() {
            return 1_764_000_000L * 1_000_000_000L;
        }

        @Override
        public void sleepNanos(long nanos) {
            flushedAt.add(new long[] {now, out.bytes});
            now += nanos;
        }
    }

    static final class Counting extends OutputStream {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        long bytes;

        @Override
        public void write(int b) {
            data.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            data.write(b, off, len);
            bytes += len;
        }
    }

    @Test
    void writesRateTimesSecondsValidPacketsNeverAheadOfTheClock() throws Exception {
        Clock clock = new Clock();
        long written = PacedSynStream.write(clock.out, 10_000, 2, 300, 5, clock);
        assertThat(written).isEqualTo(20_000);

        // Valid pcap: every record reads and decodes as a 60-byte TCP SYN into the darknet.
        List<Long> times = new ArrayList<>();
        Set<Long> sources = new HashSet<>();
        DecodedPacket pkt = new DecodedPacket();
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(clock.out.data.toByteArray()), "paced")) {
            PacketRecord r = new PacketRecord();
            while (reader.next(r)) {
                assertThat(r.originalLength).isEqualTo(60);
                PacketDecoder.decode(r, pkt);
                assertThat(pkt.isTcp()).isTrue();
                assertThat(pkt.tcpFlags).isEqualTo(DecodedPacket.SYN);
                assertThat(pkt.dst4 >>> 16).isEqualTo(TrafficSynthesizer.DARKNET_BASE >>> 16);
                sources.add((long) pkt.src4);
                times.add(r.timestampNanos);
            }
        }
        assertThat(times).hasSize(20_000);
        // Capture times follow the schedule: start + i / rate.
        for (int i = 0; i < times.size(); i++) {
            assertThat(times.get(i) - clock.epochNanos()).isEqualTo(i * 100_000L);
        }
        assertThat(sources).hasSize(300);

        // Paced: at every sleep the bytes out never exceed what the schedule owed by that time.
        int record = 16 + 60;
        for (long[] at : clock.flushedAt) {
            long owed = PacedSynStream.atTime(at[0], 10_000);
            assertThat(at[1]).isLessThanOrEqualTo(24 + owed * record);
        }
        assertThat(clock.now).isEqualTo(2_000_000_000L);
        assertThat(clock.flushedAt).hasSize((int) (2_000_000_000L / PacedSynStream.TICK_NANOS));
    }

    @Test
    void aLateTickCatchesUpInsteadOfDrifting() throws Exception {
        // The clock jumps 1 s ahead on the first sleep (a stalled writer): the next tick writes the whole second's packets.
        Clock clock = new Clock() {
            boolean jumped;

            @Override
            public void sleepNanos(long nanos) {
                super.sleepNanos(nanos);
                if (!jumped) {
                    jumped = true;
                    now += 1_000_000_000L;
                }
            }
        };
        assertThat(PacedSynStream.write(clock.out, 1_000, 2, 10, 1, clock)).isEqualTo(2_000);
        assertThat(clock.flushedAt.get(1)[1]).isEqualTo(24 + PacedSynStream.atTime(1_005_000_000L, 1_000) * 76);
        assertThat(clock.now).isLessThanOrEqualTo(2_000_000_000L + PacedSynStream.TICK_NANOS);
    }

    @Test
    void packetsOwedAtATimeAreExactAndDoNotOverflowOnLongRuns() {
        assertThat(PacedSynStream.atTime(1_500_000_000L, 100_000)).isEqualTo(150_000);
        assertThat(PacedSynStream.atTime(4_999_999L, 100_000)).isEqualTo(499);
        long tenYears = 10L * 365 * 86_400 * 1_000_000_000L;
        assertThat(PacedSynStream.atTime(tenYears, 100_000)).isEqualTo(10L * 365 * 86_400 * 100_000);
    }
}
