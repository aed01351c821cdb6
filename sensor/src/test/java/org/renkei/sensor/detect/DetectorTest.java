package org.renkei.sensor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.sensor.synth.PacketBuilder.ip;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.renkei.sensor.classify.PacketClass;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.decode.PacketDecoder;
import org.renkei.sensor.synth.PacketBuilder;

class DetectorTest {
    private final PacketClassifier classifier = PacketClassifier.builtIn();
    private final DecodedPacket p = new DecodedPacket();
    private static final int SCANNER = ip(45, 9, 8, 7), VICTIM = ip(93, 1, 2, 3);

    private PacketClass decode(PacketBuilder b) {
        byte[] bytes = b.copy();
        PacketDecoder.decode(MemorySegment.ofArray(bytes), 0, bytes.length, 1, p);
        p.wireLength = bytes.length;
        return classifier.classify(p);
    }

    private void probe(ScanDetector d, int dst, int port, long sec) {
        PacketBuilder b = new PacketBuilder().tcp(SCANNER, dst, 40000, port, DecodedPacket.SYN);
        PacketClass c = decode(b);
        d.observe(p, c, classifier.fingerprint(p, c), sec);
    }

    @Test
    void distinctDestinationsSurviveTheMoveFromInlineToPooledBitmapAndAFreedBitmapIsReusedClean() {
        try (ScanDetector d = new ScanDetector(ScanDetector.Config.defaults(), new String[0])) {
            for (int i = 0; i < 3; i++) probe(d, ip(198, 18, 1, i), 22, 1000);
            probe(d, ip(198, 18, 1, 0), 22, 1000); // a repeat stays inline and adds nothing
            assertThat(d.collectActivity(10).top().get(0).distinctDestinations()).as("inline").isEqualTo(3);
            for (int i = 0; i < 50; i++) probe(d, ip(198, 18, 2, i), 22, 1001);
            // 53 distinct destinations; the 512-bit estimate has ~3 % standard error at that count
            assertThat((double) d.collectActivity(10).top().get(0).distinctDestinations()).as("pooled")
                    .isCloseTo(53, org.assertj.core.data.Percentage.withPercentage(6));
            d.sweep(1001 + 481); // the entry expires and frees its bitmap
            assertThat(d.entries()).isZero();
            for (int i = 0; i < 5; i++) probe(d, ip(198, 18, 3, i), 22, 2000); // new entry, promoted, takes the freed bitmap
            assertThat(d.collectActivity(10).top().get(0).distinctDestinations()).as("reused bitmap starts empty").isEqualTo(5);
        }
    }

    /** One SYN from {@code src} to port 23 of one darknet address, observed at {@code sec}. */
    private void synFrom(ScanDetector d, int src, int dst, long sec) {
        PacketBuilder b = new PacketBuilder().tcp(src, dst, 40000, 23, DecodedPacket.SYN);
        PacketClass c = decode(b);
        d.observe(p, c, classifier.fingerprint(p, c), sec);
    }

    @Test
    void atTheBoundTheLeastRecentlySeenQuarterMakesRoomAndTheirCampaignsEnd() {
        try (ScanDetector d = new ScanDetector(new ScanDetector.Config(100, 480, 1000), new String[0])) {
            assertThat(d.maxEntries()).isEqualTo(1000);
            // A scanner first, seen at second 0 only: 120 destinations, a campaign.
            for (int i = 0; i < 120; i++) synFrom(d, SCANNER, ip(198, 18, 0, i), 0);
            assertThat(d.drainEvents()).extracting(ScanCampaign::state).containsExactly(EventState.STARTED);
            // Then 999 sources, one a second: the table is full.
            for (int s = 1; s < 1000; s++) synFrom(d, ip(10, 0, s >> 8, s & 0xFF), ip(198, 18, 1, 1), s);
            assertThat(d.entries()).isEqualTo(1000);
            d.collectActivity(10); // their activity is collected (a batch was cut)
            // A new source: the 250 least recently seen (the scanner and sources 1-249) make room.
            synFrom(d, ip(172, 16, 0, 1), ip(198, 18, 1, 1), 1000);
            assertThat(d.entries()).isEqualTo(751);
            assertThat(d.evictedKeys()).isEqualTo(250);
            assertThat(d.evictedWithActivity()).isZero();
            assertThat(d.droppedKeys()).isZero();
            List<ScanCampaign> ended = d.drainEvents();
            assertThat(ended).singleElement().satisfies(e -> {
                assertThat(e.state()).isEqualTo(EventState.ENDED);
                assertThat(e.source()).isEqualTo("45.9.8.7");
            });
            List<String> kept = d.collectActivity(2000).top().stream().map(SourceActivity::source).toList();
            assertThat(kept).hasSize(1).containsExactly("172.16.0.1"); // only the newcomer has activity since the last collection
            // Sources 250-999 are still there: observing them again adds no entry.
            for (int s = 250; s < 1000; s++) synFrom(d, ip(10, 0, s >> 8, s & 0xFF), ip(198, 18, 1, 2), 1001);
            assertThat(d.entries()).isEqualTo(751);
            assertThat(d.evictedKeys()).isEqualTo(250);
        }
    }

    @Test
    void aTableFilledWithinOneSecondLosesOnlyAQuarterAtTheBound() {
        try (ScanDetector d = new ScanDetector(new ScanDetector.Config(100, 480, 1000), new String[0])) {
            for (int s = 0; s < 1000; s++) synFrom(d, ip(10, 1, s >> 8, s & 0xFF), ip(198, 18, 1, 1), 5);
            synFrom(d, ip(172, 16, 0, 2), ip(198, 18, 1, 1), 5);
            assertThat(d.entries()).isEqualTo(751);
            assertThat(d.evictedKeys()).isEqualTo(250);
            assertThat(d.evictedWithActivity()).as("nothing was collected yet").isEqualTo(250);
            assertThat(d.collectActivity(2000).sources()).isEqualTo(751);
        }
    }

    @Test
    void aScanNeedsTheMinimumOfDistinctDestinationsOnOnePort() {
        try (ScanDetector d = new ScanDetector(ScanDetector.Config.defaults(), new String[] {"a", "b", "c", "d"})) {
            d.darknetSize(65536);
            for (int i = 0; i < 99; i++) probe(d, ip(198, 18, 1, i), 22, 1000 + i);
            for (int i = 0; i < 300; i++) probe(d, ip(198, 18, 1, 5), 22, 1100); // repeats add no destinations
            for (int i = 0; i < 99; i++) probe(d, ip(198, 18, 2, i), 23, 1000 + i); // another port: its own count
            assertThat(d.drainEvents()).isEmpty();
            probe(d, ip(198, 18, 3, 1), 22, 1200);
            List<ScanCampaign> started = d.drainEvents();
            assertThat(started).hasSize(1);
            assertThat(started.get(0).state()).isEqualTo(EventState.STARTED);
            assertThat(started.get(0).port()).isEqualTo(22);
            assertThat(started.get(0).source()).isEqualTo("45.9.8.7");
            d.sweep(1200 + 480); // not yet silent for longer than the expiry
            assertThat(d.drainEvents()).isEmpty();
            d.sweep(1200 + 481);
            assertThat(d.drainEvents()).as("kept until its interval activity is collected").isEmpty();
            ScanDetector.ActivitySummary activity = d.collectActivity(10);
            assertThat(activity.sources()).isEqualTo(1);
            assertThat(activity.top().get(0).ports()).containsExactly(22, 23);
            assertThat(activity.top().get(0).packets()).isEqualTo(99 + 300 + 99 + 1);
            d.sweep(1200 + 481);
            List<ScanCampaign> ended = d.drainEvents();
            assertThat(ended).hasSize(1);
            ScanCampaign c = ended.get(0);
            assertThat(c.state()).isEqualTo(EventState.ENDED);
            assertThat((double) c.distinctDestinations()).isCloseTo(100, org.assertj.core.data.Percentage.withPercentage(6));
            assertThat(c.start().getEpochSecond()).isEqualTo(1000);
            assertThat(c.end().getEpochSecond()).isEqualTo(1200);
            assertThat(c.coverage()).isCloseTo(c.distinctDestinations() / 65536.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(d.entries()).isZero();
        }
    }

    @Test
    void distinctDestinationEstimateIsCloseOverTheWholeRange() {
        for (int n : new int[] {50, 100, 500, 1000, 1500, 5000}) {
            java.util.BitSet bits = new java.util.BitSet(512);
            for (int i = 0; i < n; i++) bits.set((int) (Addresses.mix(ip(198, 18, 0, 0) + i) >>> 55));
            long est = ScanDetector.estimate(bits.cardinality(), n);
            assertThat((double) est).as("n=%d", n).isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(n <= 200 ? 6 : n <= 1500 ? 15 : 1));
        }
    }

    @Test
    void backscatterNeverMakesItsSenderAScanner() {
        try (ScanDetector d = new ScanDetector(ScanDetector.Config.defaults(), new String[0])) {
            for (int i = 0; i < 1000; i++) {
                PacketClass c = decode(new PacketBuilder().tcp(VICTIM, ip(198, 18, 4, i & 0xFF) + (i << 8 & 0xFF00), 80, 40000 + i, DecodedPacket.SYN | DecodedPacket.ACK));
                d.observe(p, c, -1, 1000 + i / 10);
            }
            d.finish();
            assertThat(d.drainEvents()).isEmpty();
        }
    }

    private void backscatter(DosDetector d, long sec) {
        decode(new PacketBuilder().tcp(VICTIM, ip(198, 18, 0, (int) (sec & 0xFF)), 443, 50000, DecodedPacket.RST | DecodedPacket.ACK));
        d.observeBackscatter(p, sec);
    }

    @Test
    void anAttackNeedsPacketsDurationAndPeakTogether() {
        // 24 packets over 100 s: too few
        try (DosDetector d = new DosDetector(DosDetector.Config.defaults())) {
            for (int i = 0; i < 24; i++) backscatter(d, 1000 + i * 4);
            d.finish();
            assertThat(d.drainEvents()).isEmpty();
        }
        // 100 packets in 50 s: too short
        try (DosDetector d = new DosDetector(DosDetector.Config.defaults())) {
            for (int i = 0; i < 100; i++) backscatter(d, 1000 + i / 2);
            d.finish();
            assertThat(d.drainEvents()).isEmpty();
        }
        // 60 packets over 300 s, one every 5 s: peak 12 per minute, too low
        try (DosDetector d = new DosDetector(DosDetector.Config.defaults())) {
            for (int i = 0; i < 60; i++) backscatter(d, 1000 + i * 5);
            d.finish();
            assertThat(d.drainEvents()).isEmpty();
        }
        // 40 packets in the first 20 s, then one a minute later: all three thresholds met
        try (DosDetector d = new DosDetector(DosDetector.Config.defaults())) {
            d.darknetSize(65536);
            for (int i = 0; i < 40; i++) backscatter(d, 1000 + i / 2);
            backscatter(d, 1080);
            List<DosAttack> started = d.drainEvents();
            assertThat(started).hasSize(1);
            assertThat(started.get(0).state()).isEqualTo(EventState.STARTED);
            d.sweep(1080 + 301);
            DosAttack a = d.drainEvents().get(0);
            assertThat(a.state()).isEqualTo(EventState.ENDED);
            assertThat(a.victim()).isEqualTo("93.1.2.3");
            assertThat(a.protocol()).isEqualTo("tcp");
            assertThat(a.ports()).containsExactly(443);
            assertThat(a.packets()).isEqualTo(41);
            assertThat(a.peakPacketsPer60s()).isEqualTo(40);
            assertThat(a.estimatedAttackPacketsPerSecond()).isCloseTo(41 / 80.0 * 65536, org.assertj.core.data.Offset.offset(1.0));
        }
    }

    /**
     * At its bound the DoS table makes room as the scan table does: the quarter of the vectors seen
     * least recently end (an attack among them with its ENDED event), and the new victim is tracked.
     * Before, a full table ignored every new victim until the timeout freed room.
     */
    @Test
    void aFullDosTableEndsTheVectorsSeenLeastRecentlyForNewVictims() {
        try (DosDetector d = new DosDetector(new DosDetector.Config(25, 60, 30, 300, 1000))) {
            for (int i = 0; i < 40; i++) backscatter(d, 1000 + i / 2); // VICTIM: an attack, seen at 1000-1019 ...
            backscatter(d, 1080); // ... and 1080
            for (int v = 0; v < 999; v++) { // 999 other victims, one a second from 1100: the table is full
                decode(new PacketBuilder().tcp(ip(20, 0, v >> 8, v & 255), ip(198, 18, 0, 1), 80, 50000, DecodedPacket.RST));
                d.observeBackscatter(p, 1100 + v);
            }
            assertThat(d.entries()).isEqualTo(1000);
            assertThat(d.drainEvents()).extracting(DosAttack::state).containsExactly(EventState.STARTED);
            decode(new PacketBuilder().tcp(ip(30, 0, 0, 1), ip(198, 18, 0, 1), 80, 50000, DecodedPacket.RST)); // a new victim
            d.observeBackscatter(p, 2100);
            assertThat(d.evictedKeys()).isEqualTo(250);
            assertThat(d.droppedKeys()).isZero();
            assertThat(d.entries()).isEqualTo(751);
            List<DosAttack> ended = d.drainEvents();
            assertThat(ended).extracting(DosAttack::victim, DosAttack::state).containsExactly(org.assertj.core.groups.Tuple.tuple("93.1.2.3", EventState.ENDED));
            d.finish();
            assertThat(d.drainEvents()).extracting(DosAttack::victim).doesNotContain("93.1.2.3");
        }
    }

    @Test
    void icmpErrorsBlameTheQuotedDestination() {
        try (DosDetector d = new DosDetector(DosDetector.Config.defaults())) {
            for (int i = 0; i < 100; i++) {
                PacketBuilder b = new PacketBuilder().icmp(ip(203, 0, 113, 1), ip(198, 18, 0, 1), 3, 3);
                b.innerSrc4 = ip(198, 18, 0, 1);
                b.innerDst4 = VICTIM;
                b.innerProtocol = 17;
                b.innerDstPort = 53;
                decode(b);
                d.observeBackscatter(p, 1000 + i);
            }
            d.finish();
            List<DosAttack> events = d.drainEvents();
            assertThat(events).extracting(DosAttack::victim).containsOnly("93.1.2.3");
            assertThat(events.get(events.size() - 1).protocol()).isEqualTo("udp");
            assertThat(events.get(events.size() - 1).ports()).containsExactly(53);
        }
    }

    @Test
    void formatsIpv6AddressesTheRfc5952Way() {
        assertThat(Addresses.ipv6(0x20010db800000000L, 1L)).isEqualTo("2001:db8::1");
        assertThat(Addresses.ipv6(0, 1)).isEqualTo("::1");
        assertThat(Addresses.ipv6(0x20010db800010000L, 0x0000000100000001L)).isEqualTo("2001:db8:1::1:0:1");
        assertThat(Addresses.ipv6(0x2001000000000000L, 0)).isEqualTo("2001::");
    }

    /**
     * End of input in one walk ({@code collectActivityAndFinish}) equals collecting and then
     * finishing: the same summary (incl. which 16 ports a source with more lists, and ties at the
     * top-N boundary going to the source that sorts first), the same ENDED events in the same
     * order, and an empty table afterwards. Seeded. With a large table (presized past
     * {@code PARALLEL_WALK_SLOTS}) the walk is split between two threads, each walking half of the
     * table, and the partitions are counted by two threads, half of them each.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void finishingInOneWalkEqualsCollectingThenFinishing(boolean largeTable) {
        java.util.Random rnd = seeded("finishingInOneWalkEqualsCollectingThenFinishing(" + largeTable + ")");
        String[] fps = {"a", "b", "c", "d"};
        try (ScanDetector twoWalks = new ScanDetector(new ScanDetector.Config(20, 480, 1_000_000), fps);
             ScanDetector oneWalk = new ScanDetector(new ScanDetector.Config(20, 480, 1_000_000), fps)) {
            if (largeTable) {
                oneWalk.reserve(800_000);
                assertThat(oneWalk.tableBytes()).isGreaterThanOrEqualTo(ScanDetector.PARALLEL_WALK_SLOTS * 64);
            }
            for (ScanDetector d : List.of(twoWalks, oneWalk)) d.darknetSize(65536);
            for (int n = 0; n < 60_000; n++) {
                int src = ip(45, 9, rnd.nextInt(4), rnd.nextInt(40)); // 160 sources: many ties, some with > 16 ports
                int port = 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 3);
                int dst = ip(198, 18, rnd.nextInt(256), rnd.nextInt(256));
                int flags = rnd.nextInt(10) == 0 ? (DecodedPacket.SYN | DecodedPacket.ACK) : DecodedPacket.SYN;
                PacketClass c = decode(new PacketBuilder().tcp(src, dst, 40000, port, flags));
                int fp = classifier.fingerprint(p, c);
                long sec = 1000 + n / 100;
                for (ScanDetector d : List.of(twoWalks, oneWalk)) d.observe(p, c, fp, sec);
            }
            for (ScanDetector d : List.of(twoWalks, oneWalk)) d.drainEvents();
            ScanDetector.ActivitySummary expected = twoWalks.collectActivity(7);
            twoWalks.finish();
            ScanDetector.ActivitySummary actual = oneWalk.collectActivityAndFinish(7);
            assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
            assertThat(actual.top()).anySatisfy(s -> assertThat(s.ports()).hasSize(16));
            List<ScanCampaign> ended = twoWalks.drainEvents();
            assertThat(ended).hasSizeGreaterThan(50);
            // Events come in table order, and a presized table lays entries out differently (the report sorts them).
            if (largeTable) assertThat(oneWalk.drainEvents()).containsExactlyInAnyOrderElementsOf(ended);
            else assertThat(oneWalk.drainEvents()).isEqualTo(ended);
            assertThat(oneWalk.entries()).isZero();
            assertThat(oneWalk.tableBytes()).isEqualTo(twoWalks.tableBytes());
        }
    }

    /**
     * The two end-of-input walks each read one half of the table; an entry that its probe run
     * carried over the middle (or around the end) is met by the other walk, and still counts with
     * its source. Keys are chosen so that it happens: two keys whose home is the lower half's last
     * slot (the second lands in the upper half), and two whose home is the table's last slot (the
     * second wraps to slot 0). The displaced entries' sources are the busiest, so losing one would
     * change the summary.
     */
    @Test
    void entriesCarriedOverTheMiddleOrAroundTheEndAreCountedWithTheirSources() {
        String[] fps = {"a", "b", "c", "d"};
        try (ScanDetector twoWalks = new ScanDetector(new ScanDetector.Config(20, 480, 1_000_000), fps);
             ScanDetector oneWalk = new ScanDetector(new ScanDetector.Config(20, 480, 1_000_000), fps)) {
            oneWalk.reserve(800_000);
            long cap = oneWalk.tableBytes() / 64;
            assertThat(cap).isGreaterThanOrEqualTo(ScanDetector.PARALLEL_WALK_SLOTS);
            int shift = Long.numberOfLeadingZeros(cap) + 1;
            for (ScanDetector d : List.of(twoWalks, oneWalk)) d.darknetSize(65536);
            long sec = 1000;
            for (long home : new long[] {cap / 2 - 1, cap - 1}) {
                int[][] keys = keysWithHome(home, shift, 2);
                for (int k = 0; k < 2; k++) {
                    int packets = k == 0 ? 1 : 300; // the displaced one: a busy source, and a scan campaign
                    for (int n = 0; n < packets; n++) {
                        PacketClass c = decode(new PacketBuilder().tcp(keys[k][0], ip(198, 18, n >> 8, n & 255), 40000, keys[k][1], DecodedPacket.SYN));
                        for (ScanDetector d : List.of(twoWalks, oneWalk)) d.observe(p, c, classifier.fingerprint(p, c), sec + n / 10);
                    }
                }
            }
            for (int n = 0; n < 2000; n++) { // background: other sources, fewer packets each
                PacketClass c = decode(new PacketBuilder().tcp(ip(45, 10, n >> 8, n & 255), ip(198, 18, 9, n & 255), 40000, 1 + n % 7, DecodedPacket.SYN));
                for (ScanDetector d : List.of(twoWalks, oneWalk)) d.observe(p, c, classifier.fingerprint(p, c), sec + 40);
            }
            for (ScanDetector d : List.of(twoWalks, oneWalk)) d.drainEvents();
            ScanDetector.ActivitySummary expected = twoWalks.collectActivity(5);
            twoWalks.finish();
            ScanDetector.ActivitySummary actual = oneWalk.collectActivityAndFinish(5);
            assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
            assertThat(actual.top().get(0).packets()).isEqualTo(300);
            assertThat(actual.top().get(1).packets()).isEqualTo(300);
            assertThat(oneWalk.drainEvents()).containsExactlyInAnyOrderElementsOf(twoWalks.drainEvents()).hasSize(2);
        }
    }

    /**
     * The grouping by source against a plain count: IPv4 and IPv6 sources (many with equal packets, so
     * that ties at the top-N boundary go to the source whose text sorts first), with several ports
     * each. Both the interval collection and the end-of-input walk (on two threads for the large
     * table) report every source counted, the packets, and the busiest sources with their packets, as
     * a HashMap of the same packets says. Seeded.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void groupingBySourceAgreesWithAPlainCount(boolean finish) {
        java.util.Random rnd = seeded("groupingBySourceAgreesWithAPlainCount(" + finish + ")");
        try (ScanDetector d = new ScanDetector(new ScanDetector.Config(20, 480, 2_000_000), new String[] {"a"})) {
            if (finish) d.reserve(1_000_000);
            java.util.Map<String, Long> expected = new java.util.HashMap<>();
            long total = 0;
            for (int n = 0; n < 200_000; n++) {
                boolean v6 = rnd.nextInt(3) == 0;
                int host = rnd.nextInt(v6 ? 2500 : 5000); // as many packets a source on average in both families
                long a = v6 ? 0x20010db800000000L : ip(45, 9, host >> 8, host & 255) & 0xFFFFFFFFL;
                long b = v6 ? host : 0;
                int port = 1 + rnd.nextInt(1 + host % 30);
                int tag = ((v6 ? 6 : 4) << 24) | (6 << 16) | port;
                int dst = ip(198, 18, rnd.nextInt(256), rnd.nextInt(256));
                d.observe(a, b, tag, (60L << 16) | (64 << 8) | DecodedPacket.SYN, PacketClass.TCP_SYN_PROBE, -1, 1000 + n / 1000,
                        SlotTable.hash(a, b, tag), org.renkei.sensor.detect.DistinctCounter.hashInt(dst));
                expected.merge(Addresses.of(v6 ? 6 : 4, a, b), 1L, Long::sum);
                total++;
            }
            ScanDetector.ActivitySummary s = finish ? d.collectActivityAndFinish(25) : d.collectActivity(25);
            assertThat(s.sources()).isEqualTo(expected.size());
            assertThat(s.packets()).isEqualTo(total);
            List<String> top = expected.entrySet().stream()
                    .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(java.util.Map.Entry.comparingByKey()))
                    .limit(25).map(e -> e.getKey() + "=" + e.getValue()).toList();
            assertThat(s.top()).extracting(x -> x.source() + "=" + x.packets()).containsExactlyElementsOf(top);
            assertThat(s.top()).anySatisfy(x -> assertThat(x.source()).contains(":"));
            if (!finish) assertThat(d.collectActivity(25).packets()).as("the interval counters were reset").isZero();
        }
    }

    /**
     * Two IPv6 sources whose 64-bit hashes collide stay two sources: a partition record of an IPv6
     * source carries its address, and grouping compares it. (The collision is made by handing both
     * the same hash; a real one is one in ~10^19 per pair.)
     */
    @Test
    void ipv6SourcesWithTheSameHashAreStillTwoSources() {
        long a = 0x20010db800000000L;
        long hash = SlotTable.hash(a, 1, 6);
        try (SourcePartitions parts = new SourcePartitions(10)) {
            parts.add(hash, a, 1, 6, 7, 5);
            parts.add(hash, a, 2, 6, 9, 3); // another source, same hash
            parts.add(hash, a, 1, 6, 11, 4);
            SourcePartitions[] all = {parts};
            SourcePartitions.Counted c = SourcePartitions.count(all, 0, SourcePartitions.PARTITIONS, 5);
            assertThat(c.sources()).isEqualTo(2);
            assertThat(c.busiest()).extracting(SourcePartitions.Source::text, SourcePartitions.Source::packets)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("2001:db8::1", 9L), org.assertj.core.groups.Tuple.tuple("2001:db8::2", 3L));
            assertThat(SourcePartitions.slotsOf(all, 6, a, 1)).containsExactly(7, 11);
        }
    }

    /** A random source seeded with {@code -Drenkei.test.seed}, or the clock; prints the seed so a failure can be replayed. */
    private static java.util.Random seeded(String test) {
        long seed = Long.getLong("renkei.test.seed", System.nanoTime());
        System.out.println(test + " seed " + seed);
        return new java.util.Random(seed);
    }

    /** {@code n} (source, TCP port) keys whose home slot is {@code home} in a table of {@code 64 - shift} address bits. */
    private static int[][] keysWithHome(long home, int shift, int n) {
        int[][] out = new int[n][];
        int found = 0;
        for (int host = 1; found < n; host++) {
            int src = ip(45, 20 + (host >> 16), (host >> 8) & 255, host & 255);
            for (int port = 1; port < 65536 && found < n; port++) {
                if (SlotTable.hash(src & 0xFFFFFFFFL, 0, (4 << 24) | (6 << 16) | port) >>> shift == home) out[found++] = new int[] {src, port};
            }
        }
        return out;
    }

    /** Among sources with as many packets, the busiest N are those whose text sorts first, wherever they sit in the table. */
    @Test
    void tiesAtTheTopNBoundaryGoToTheSourceThatSortsFirst() {
        for (int order = 0; order < 2; order++) {
            try (ScanDetector d = new ScanDetector(ScanDetector.Config.defaults(), new String[0])) {
                for (int i = 0; i < 30; i++) {
                    int k = order == 0 ? i : 29 - i;
                    PacketClass c = decode(new PacketBuilder().tcp(ip(10, 0, 0, 100 + k), ip(198, 18, 0, 1), 40000, 22, DecodedPacket.SYN));
                    d.observe(p, c, -1, 1000);
                }
                assertThat(d.collectActivity(3).top()).extracting(SourceActivity::source).containsExactly("10.0.0.100", "10.0.0.101", "10.0.0.102");
            }
        }
    }
}
