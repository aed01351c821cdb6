package org.renkei.sensor.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.renkei.sensor.classify.PacketClass;
import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.decode.DecodeStatus;
import org.renkei.sensor.decode.DecodedPacket;
import org.renkei.sensor.decode.PacketDecoder;
import org.renkei.sensor.detect.DistinctCounter;
import org.renkei.sensor.detect.DosAttack;
import org.renkei.sensor.detect.DosDetector;
import org.renkei.sensor.detect.EventState;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.detect.ScanDetector;
import org.renkei.sensor.detect.SourceActivity;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;
import org.renkei.sensor.pcap.SkipReason;

/**
 * The per-packet pipeline: decode, classify, fingerprint, feed the scan and DoS
 * detectors, count. {@link #accept(PacketRecord)} allocates nothing; detector events
 * and per-source summaries are built once per minute of capture time. Not thread-safe:
 * one analyzer per reading thread.
 */
public final class CaptureAnalyzer implements AutoCloseable {
    /** @param darknetSize monitored addresses, 0 to infer from distinct destinations */
    public record Config(ScanDetector.Config scan, DosDetector.Config dos, long darknetSize, int topN) {
        public static Config defaults() {
            return new Config(ScanDetector.Config.defaults(), DosDetector.Config.defaults(), 0, 20);
        }
    }

    private final Config config;
    private final PacketClassifier classifier;
    private final ScanDetector scans;
    private final DosDetector dos;
    private final DecodedPacket pkt = new DecodedPacket();
    /**
     * Packets read and decoded together, whose state slots are then loaded together. Where the
     * processor can be asked to prefetch ({@link ScanDetector#canPrefetch}), the next group's slots
     * start loading while this group is processed (two groups in turn: {@link #readGrouped}); 64
     * beat 32 by 5-12 % and 128 (ab.sh, 1 M sources, round 10).
     */
    private static final int GROUP = 64;
    /**
     * Elsewhere, the packets whose slots are touched with ordinary loads right before they are
     * processed: a load blocks retirement until its line arrives, so each touch group pays about one
     * memory latency, and larger groups share it among more packets, up to the misses a core keeps
     * in flight. With one line a lookup, 32 beat 16 by ~8 % and 64 lost to 32 (ab.sh, 1 M sources).
     */
    private static final int TOUCH_GROUP = 32;
    private final PacketRecord[][] group = new PacketRecord[2][GROUP];
    private final DecodedPacket[][] groupDecoded = new DecodedPacket[2][GROUP];
    private final long[][] groupHashes = new long[2][GROUP];

    {
        for (int g = 0; g < 2; g++) {
            for (int i = 0; i < GROUP; i++) {
                group[g][i] = new PacketRecord();
                groupDecoded[g][i] = new DecodedPacket();
            }
        }
    }

    /** Whether the packet loops prefetch the next group's slots ({@link ScanDetector#canPrefetch}; tests turn it off). */
    boolean prefetch = ScanDetector.canPrefetch();
    private final long[] statusCounts = new long[DecodeStatus.values().length];
    private final long[] classCounts = new long[PacketClass.values().length];
    private final long[] protocolCounts = new long[256];
    private final long[] fingerprintPackets;
    private final DistinctCounter[] fingerprintSources;
    private final long[] tcpPorts = new long[65536];
    private final long[] udpPorts = new long[65536];
    private final DistinctCounter destinations = new DistinctCounter(14);
    private final DistinctCounter sources = new DistinctCounter(14);
    private final Map<Integer, Long> linkTypes = new HashMap<>();
    private int lastLinkType = Integer.MIN_VALUE;
    private long lastLinkTypeCount;
    private long packets, bytes;
    private long firstNs = Long.MAX_VALUE, lastNs = Long.MIN_VALUE;
    private long lastSec = Long.MIN_VALUE;
    private long maxSec = Long.MIN_VALUE;
    private final List<ScanCampaign> campaigns = new ArrayList<>();
    private final List<DosAttack> attacks = new ArrayList<>();
    private final Map<String, SourceActivity> topSources = new HashMap<>();
    private final Map<String, Long> skipped = new LinkedHashMap<>();
    private final List<String> files = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();

    /** In live mode events are kept for the next batch and per-source activity is cut per batch, not per minute. */
    private boolean live;
    private final List<ScanCampaign> pendingScanEvents = new ArrayList<>();
    private final List<DosAttack> pendingDosEvents = new ArrayList<>();
    private long intervalPackets, intervalBytes;
    private long intervalFirstNs = Long.MAX_VALUE, intervalLastNs = Long.MIN_VALUE;
    private final long[] intervalClassCounts = new long[PacketClass.values().length];
    private final long[] intervalTcpPorts = new long[65536];
    private final long[] intervalUdpPorts = new long[65536];

    public CaptureAnalyzer(Config config, PacketClassifier classifier) {
        this.config = config;
        this.classifier = classifier;
        String[] names = new String[classifier.fingerprintCount()];
        for (int i = 0; i < names.length; i++) names[i] = classifier.fingerprintId(i);
        this.scans = new ScanDetector(config.scan(), names);
        this.dos = new DosDetector(config.dos());
        this.fingerprintPackets = new long[names.length];
        this.fingerprintSources = new DistinctCounter[names.length];
        for (int i = 0; i < names.length; i++) fingerprintSources[i] = new DistinctCounter(10);
        if (config.darknetSize() > 0) {
            scans.darknetSize(config.darknetSize());
            dos.darknetSize(config.darknetSize());
        }
    }

    /**
     * Bytes of capture file per packet assumed by {@link #expectedPackets}: a 16-byte pcap record
     * header and a 60-byte frame, the typical darknet probe (an Ethernet TCP SYN without options).
     */
    static final long BYTES_PER_PACKET = 16 + 60;

    /** Packets a capture of {@code fileBytes} (uncompressed) holds if they are typical darknet probes. */
    public static long expectedPackets(long fileBytes) {
        return Math.max(0, fileBytes) / BYTES_PER_PACKET;
    }

    /**
     * Sizes the scan table for the keys about {@code packets} more packets can create (at most
     * one each, and at most the bound) before the first packet, so that it does not double its way
     * there (each doubling allocates and zeroes a table twice the size and rehashes every entry),
     * and has its pages faulted in on a background thread meanwhile. Only an optimisation: the
     * table still grows if more keys come, and a capture with fewer keys than packets pays for
     * memory it does not use (up to the bound's 1 GiB by default). Call before the first packet.
     */
    public void expectPackets(long packets) {
        if (packets > 0) scans.reserve(packets);
    }

    /**
     * Call as early as possible when an analyzer with this configuration will be given
     * {@link #expectPackets expectPackets(packets)}: its table's memory starts being faulted in on a
     * background thread while the caller is still setting up (e.g. loading the rules).
     */
    public static void prepare(Config config, long packets) {
        if (packets > 0) ScanDetector.prepare(config.scan(), packets);
    }

    /** The decoded form of the packet processed last. */
    public DecodedPacket lastPacket() {
        return last;
    }

    public long packets() {
        return packets;
    }

    /** Runs one packet through the pipeline. */
    public PacketClass accept(PacketRecord r) {
        PacketDecoder.decode(r, pkt);
        return process(r, pkt, scans.keyHash(pkt));
    }

    private DecodedPacket last = pkt;

    private PacketClass process(PacketRecord r, DecodedPacket pkt, long keyHash) {
        PacketClass c = classifier.classify(pkt);
        if (c == PacketClass.UNDECODED) return process(r, pkt, keyHash, c, -1, 0, 0);
        int fp = classifier.fingerprint(pkt, c);
        if (pkt.ipVersion == 4) return process(r, pkt, keyHash, c, fp, DistinctCounter.hashInt(pkt.src4), DistinctCounter.hashInt(pkt.dst4));
        return process(r, pkt, keyHash, c, fp, DistinctCounter.hash128(pkt.src6Hi, pkt.src6Lo), DistinctCounter.hash128(pkt.dst6Hi, pkt.dst6Lo));
    }

    /**
     * The rest of {@link #process(PacketRecord, DecodedPacket, long)} once the packet's class,
     * fingerprint and source and destination hashes (for the distinct counters) are known: pure
     * functions of the packet, which the decode thread computes ahead.
     */
    private PacketClass process(PacketRecord r, DecodedPacket pkt, long keyHash, PacketClass c, int fp, long srcHash, long dstHash) {
        count(r, pkt, c, fp, srcHash);
        return detect(r, pkt, keyHash, c, fp, dstHash);
    }

    /**
     * The counters only the final report reads (totals, time span, link types, statuses, classes,
     * protocols, distinct sources, fingerprints, ports): no packet's processing depends on them, so
     * the decode thread keeps them for the packets it hands over (see {@link DecodeAhead}), and the
     * thread that detects does less.
     */
    private void count(PacketRecord r, DecodedPacket pkt, PacketClass c, int fp, long srcHash) {
        bytes += r.originalLength;
        long ts = r.timestampNanos;
        if (ts < firstNs) firstNs = ts;
        if (ts > lastNs) lastNs = ts;
        if (r.linkType != lastLinkType) countLinkType(r.linkType);
        lastLinkTypeCount++;
        statusCounts[pkt.status.ordinal()]++;
        classCounts[c.ordinal()]++;
        if (c == PacketClass.UNDECODED) return;
        protocolCounts[pkt.protocol]++;
        sources.addHash(srcHash);
        if (fp >= 0) {
            fingerprintPackets[fp]++;
            fingerprintSources[fp].addHash(srcHash);
        }
        if (pkt.hasTransport) {
            if (pkt.isTcp()) tcpPorts[pkt.dstPort]++;
            else if (pkt.isUdp()) udpPorts[pkt.dstPort]++;
        }
    }

    /**
     * The order-dependent rest: the packet count (progress reads it), live mode's interval, the
     * distinct destinations (the inferred darknet size is read every minute of capture time),
     * capture time, and the detectors.
     */
    private PacketClass detect(PacketRecord r, DecodedPacket pkt, long keyHash, PacketClass c, int fp, long dstHash) {
        if (live) countInterval(r, c, pkt);
        detect(pkt, r.timestampNanos, ScanDetector.keySourceHigh(pkt), ScanDetector.keySourceLow(pkt), ScanDetector.keyTag(pkt),
                ScanDetector.lengthTtlFlags(pkt), keyHash, c, fp, dstHash);
        return c;
    }

    /**
     * {@link #detect(PacketRecord, DecodedPacket, long, PacketClass, int, long)} with what it reads of
     * the packet as primitives ({@code tag} 0: no transport header, no scan entry), as {@link DecodeAhead}
     * hands packets over; the decoded packet itself is read only for backscatter.
     */
    private void detect(DecodedPacket pkt, long ts, long a, long b, int tag, long lengthTtlFlags, long keyHash, PacketClass c, int fp, long dstHash) {
        last = pkt;
        packets++;
        if (c == PacketClass.UNDECODED) return;
        destinations.addHash(dstHash);
        // A 64-bit division a packet was measurable: only a packet outside the current second divides.
        if (Long.compareUnsigned(ts - secStartNs, 1_000_000_000L) >= 0) newSecondOf(ts);
        long sec = curSec;
        if (tag != 0) scans.observe(a, b, tag, lengthTtlFlags, c, fp, sec, keyHash, dstHash);
        if (c == PacketClass.BACKSCATTER) dos.observeBackscatter(pkt, sec);
        if (sec != lastSec) onNewSecond(sec);
    }

    /** The second of capture time {@link #process} is in, and its first nanosecond. */
    private long curSec, secStartNs;

    private void newSecondOf(long ts) {
        curSec = Math.floorDiv(ts, 1_000_000_000L);
        secStartNs = curSec * 1_000_000_000L;
    }

    private void countInterval(PacketRecord r, PacketClass c, DecodedPacket pkt) {
        intervalPackets++;
        intervalBytes += r.originalLength;
        if (r.timestampNanos < intervalFirstNs) intervalFirstNs = r.timestampNanos;
        if (r.timestampNanos > intervalLastNs) intervalLastNs = r.timestampNanos;
        intervalClassCounts[c.ordinal()]++;
        if (pkt.hasTransport) {
            if (pkt.isTcp()) intervalTcpPorts[pkt.dstPort]++;
            else if (pkt.isUdp()) intervalUdpPorts[pkt.dstPort]++;
        }
    }

    private void countLinkType(int linkType) {
        if (lastLinkType != Integer.MIN_VALUE) linkTypes.merge(lastLinkType, lastLinkTypeCount, Long::sum);
        lastLinkType = linkType;
        lastLinkTypeCount = 0;
    }

    private void onNewSecond(long sec) {
        lastSec = sec;
        if (sec <= maxSec) return;
        if (maxSec != Long.MIN_VALUE && sec / 60 != maxSec / 60) minute(sec);
        maxSec = sec;
    }

    /**
     * Once per minute of capture time: expire state and (analyze mode) keep the busiest
     * sources since the last collection. Collecting and sweeping the scan table each walk
     * all of it, so they run only when an entry may have expired, and in analyze mode at
     * least every 5 minutes (the 32-bit interval byte counters of an entry then cannot wrap
     * below ~110 Mbit/s from one source to one port).
     */
    private void minute(long sec) {
        if (config.darknetSize() <= 0) {
            long size = darknetSize();
            scans.darknetSize(size);
            dos.darknetSize(size);
        }
        if (lastCollectSec == Long.MIN_VALUE) lastCollectSec = sec;
        if (scans.mayExpire(sec) || (!live && sec - lastCollectSec >= 300)) {
            if (!live) {
                mergeTopSources(scans.collectActivity(config.topN()));
                lastCollectSec = sec;
            }
            scans.sweep(sec);
        }
        dos.sweep(sec);
        drainEvents();
    }

    private long lastCollectSec = Long.MIN_VALUE;

    private void drainEvents() {
        for (ScanCampaign c : scans.drainEvents()) {
            if (live) pendingScanEvents.add(c);
            else if (c.state() == EventState.ENDED) campaigns.add(c);
        }
        for (DosAttack a : dos.drainEvents()) {
            if (live) pendingDosEvents.add(a);
            else if (a.state() == EventState.ENDED) attacks.add(a);
        }
    }

    /** Switches to live mode: see {@link #cutInterval(int)}. */
    public void liveMode() {
        this.live = true;
    }

    /**
     * What happened since the previous cut, for one observation batch.
     *
     * @param ports per-port packet counts of the interval, busiest first
     */
    public record Interval(Instant firstPacket, Instant lastPacket, long packets, long bytes, Map<String, Long> packetClasses,
                           List<PortProtocolCount> ports, ScanDetector.ActivitySummary sources, List<ScanCampaign> scanEvents,
                           List<DosAttack> dosEvents, long darknetSize) {
    }

    public record PortProtocolCount(String protocol, int port, long packets) {
    }

    /**
     * Cuts the current interval (live mode): per-source activity of the busiest
     * {@code maxSources}, per-port counts (at most 1,000 ports per protocol), scan and DoS
     * events since the last cut. At end of input, call {@link #endEpisodes} afterwards (until
     * it says done) for the ENDED events of the episodes still open.
     */
    public Interval cutInterval(int maxSources) {
        long size = darknetSize();
        scans.darknetSize(size);
        dos.darknetSize(size);
        ScanDetector.ActivitySummary activity = scans.collectActivity(maxSources);
        drainEvents();
        Map<String, Long> classes = new LinkedHashMap<>();
        for (PacketClass c : PacketClass.values()) {
            if (intervalClassCounts[c.ordinal()] > 0) classes.put(c.name().toLowerCase(), intervalClassCounts[c.ordinal()]);
        }
        List<PortProtocolCount> ports = new ArrayList<>();
        List<PortProtocolCount> udp = new ArrayList<>();
        for (int p = 0; p < 65536; p++) {
            if (intervalTcpPorts[p] > 0) ports.add(new PortProtocolCount("tcp", p, intervalTcpPorts[p]));
            if (intervalUdpPorts[p] > 0) udp.add(new PortProtocolCount("udp", p, intervalUdpPorts[p]));
        }
        Comparator<PortProtocolCount> busiest = Comparator.comparingLong(PortProtocolCount::packets).reversed()
                .thenComparingInt(PortProtocolCount::port);
        ports.sort(busiest);
        udp.sort(busiest);
        List<PortProtocolCount> allPorts = new ArrayList<>(ports.subList(0, Math.min(1000, ports.size())));
        allPorts.addAll(udp.subList(0, Math.min(1000, udp.size())));
        Interval out = new Interval(intervalPackets == 0 ? null : instant(intervalFirstNs), intervalPackets == 0 ? null : instant(intervalLastNs),
                intervalPackets, intervalBytes, classes, allPorts, activity, List.copyOf(pendingScanEvents), List.copyOf(pendingDosEvents), size);
        pendingScanEvents.clear();
        pendingDosEvents.clear();
        intervalPackets = intervalBytes = 0;
        intervalFirstNs = Long.MAX_VALUE;
        intervalLastNs = Long.MIN_VALUE;
        java.util.Arrays.fill(intervalClassCounts, 0);
        java.util.Arrays.fill(intervalTcpPorts, 0);
        java.util.Arrays.fill(intervalUdpPorts, 0);
        return out;
    }

    /** ENDED events of one {@link #endEpisodes} call; {@code done} when no open episode is left. */
    public record Episodes(List<ScanCampaign> scans, List<DosAttack> dos, boolean done) {
    }

    private boolean scansEnded, dosEnded;

    /**
     * End of input (live mode, after the last {@link #cutInterval}): ends at most {@code max}
     * open episodes, scan campaigns first, and returns their ENDED events. Repeated calls hand
     * out the rest, so that the events of millions of open entries never form one list.
     */
    public Episodes endEpisodes(int max) {
        List<ScanCampaign> s = List.of();
        List<DosAttack> d = List.of();
        if (!scansEnded) {
            scansEnded = scans.finishSome(max);
            s = scans.drainEvents();
        }
        int room = max - s.size();
        if (scansEnded && !dosEnded && room > 0) {
            dosEnded = dos.finishSome(room);
            d = dos.drainEvents();
        }
        return new Episodes(s, d, scansEnded && dosEnded);
    }

    public String rulesVersion() {
        return classifier.version();
    }

    private void mergeTopSources(ScanDetector.ActivitySummary summary) {
        for (SourceActivity s : summary.top()) {
            topSources.merge(s.source(), s, CaptureAnalyzer::mergeActivity);
        }
        if (topSources.size() > config.topN() * 20) {
            List<SourceActivity> keep = topSources.values().stream().sorted(Comparator.comparingLong(SourceActivity::packets).reversed())
                    .limit(config.topN() * 10L).toList();
            topSources.clear();
            keep.forEach(s -> topSources.put(s.source(), s));
        }
    }

    static SourceActivity mergeActivity(SourceActivity a, SourceActivity b) {
        List<Integer> ports = new ArrayList<>(a.ports());
        for (Integer p : b.ports()) if (!ports.contains(p) && ports.size() < 16) ports.add(p);
        List<String> protos = union(a.protocols(), b.protocols());
        return new SourceActivity(a.source(), a.packets() + b.packets(), a.bytes() + b.bytes(),
                Math.max(a.distinctDestinations(), b.distinctDestinations()), ports, protos, union(a.tcpFlags(), b.tcpFlags()),
                Math.min(a.ttlMin(), b.ttlMin()), Math.max(a.ttlMax(), b.ttlMax()),
                a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen(),
                union(a.fingerprints(), b.fingerprints()), union(a.classes(), b.classes()));
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) if (!out.contains(s)) out.add(s);
        return out;
    }

    /** Reads a whole capture through the pipeline, recording skipped records. */
    public void readAll(CaptureReader reader, String name, Runnable everyMillionPackets) throws java.io.IOException {
        files.add(name);
        try {
            if (reader.sizeIfKnown() >= 0) {
                // A file (not a stream, whose reads may block): packets are decoded in groups as they are
                // read and their state slots loaded together ahead of their processing. The cache misses
                // of a group then overlap instead of stalling one packet at a time on a table of hundreds of MB.
                readGrouped(reader, everyMillionPackets);
            } else {
                long n = 0;
                PacketRecord r = new PacketRecord();
                while (reader.next(r)) {
                    accept(r);
                    if (everyMillionPackets != null && (++n & 0xFFFFF) == 0) everyMillionPackets.run();
                }
            }
        } finally {
            recordSkips(reader);
        }
    }

    /**
     * The one-thread packet loop of a file: groups of {@link #GROUP} packets, read and decoded, their
     * slots loaded together, then processed; with {@link #prefetch}, the next group is read and its
     * slots prefetched before this group is processed.
     */
    private void readGrouped(CaptureReader reader, Runnable everyMillionPackets) throws java.io.IOException {
        if (!prefetch) {
            readTouching(reader, everyMillionPackets);
            return;
        }
        long n = 0;
        int cur = 0;
        int k = readGroup(reader, cur);
        scans.prefetch(groupHashes[cur], 0, k);
        while (k > 0) {
            int next = cur ^ 1;
            int nextK = k == GROUP ? readGroup(reader, next) : 0;
            scans.prefetch(groupHashes[next], 0, nextK);
            processGroup(cur, 0, k);
            n += k;
            if (everyMillionPackets != null && (n & 0xFFFFF) < k) everyMillionPackets.run();
            cur = next;
            k = nextK;
        }
    }

    /** {@link #readGrouped} where the machine cannot prefetch: each group's slots are touched right before it is processed. */
    private void readTouching(CaptureReader reader, Runnable everyMillionPackets) throws java.io.IOException {
        long n = 0;
        int k;
        do {
            k = readGroup(reader, 0);
            long[] hashes = groupHashes[0];
            for (int t = 0; t < k; t += TOUCH_GROUP) {
                int end = Math.min(k, t + TOUCH_GROUP);
                // A tight loop of independent loads: the misses are in flight together.
                for (int i = t; i < end; i++) scans.touch(hashes[i]);
                processGroup(0, t, end);
            }
            n += k;
            if (everyMillionPackets != null && (n & 0xFFFFF) < k) everyMillionPackets.run();
        } while (k == GROUP);
    }

    /** Processes packets {@code [from, to)} of group {@code g}. */
    private void processGroup(int g, int from, int to) {
        PacketRecord[] records = group[g];
        DecodedPacket[] decoded = groupDecoded[g];
        long[] hashes = groupHashes[g];
        for (int i = from; i < to; i++) process(records[i], decoded[i], hashes[i]);
    }

    /** Reads and decodes up to {@link #GROUP} packets into group {@code g}; returns how many. */
    private int readGroup(CaptureReader reader, int g) throws java.io.IOException {
        PacketRecord[] records = group[g];
        DecodedPacket[] decoded = groupDecoded[g];
        long[] hashes = groupHashes[g];
        int k = 0;
        while (k < GROUP && reader.next(records[k])) {
            PacketDecoder.decode(records[k], decoded[k]);
            hashes[k] = scans.keyHash(decoded[k]);
            k++;
        }
        return k;
    }

    /**
     * {@link #readAll(CaptureReader, String, Runnable)}, optionally with a second thread that
     * reads and decodes ahead into a ring of decoded records while this one classifies,
     * detects and counts ({@code decodeThread}; only for files: streams are read on this
     * thread). The report is the same either way; reading and decoding are ~30 % of the
     * per-packet work, so on a machine with a core to spare this
     * shortens the wall time of a large capture.
     */
    public void readAll(CaptureReader reader, String name, Runnable everyMillionPackets, boolean decodeThread) throws java.io.IOException {
        if (!decodeThread || live || reader.sizeIfKnown() < 0) { // live mode's interval counters read the records: one thread
            readAll(reader, name, everyMillionPackets);
            return;
        }
        files.add(name);
        try {
            new DecodeAhead(reader).run(everyMillionPackets);
        } finally {
            recordSkips(reader);
        }
    }

    /**
     * The decode thread of {@link #readAll(CaptureReader, String, Runnable, boolean)}: a
     * single-producer single-consumer ring of {@link #BATCHES} batches of {@link #BATCH} decoded
     * packets. Each side waits without spinning when the ring is full (the decoder: it is the
     * faster side, and parks until half the ring is free, so it wakes once per half ring) or
     * empty (this thread: after a short spin).
     */
    private final class DecodeAhead {
        private static final int BATCH = 256, BATCHES = 32;
        private final CaptureReader reader;
        private final PacketRecord[][] records = new PacketRecord[BATCHES][BATCH];
        private final DecodedPacket[][] decoded = new DecodedPacket[BATCHES][BATCH];
        private final long[][] hashes = new long[BATCHES][BATCH];
        private final PacketClass[][] classes = new PacketClass[BATCHES][BATCH];
        private final int[][] fingerprints = new int[BATCHES][BATCH];
        private final long[][] srcHashes = new long[BATCHES][BATCH], dstHashes = new long[BATCHES][BATCH];
        /**
         * What detecting reads of each packet, as primitives: time, entry key (source high and low,
         * tag; tag 0 without transport header) and wire length with TTL and TCP flags. The consumer
         * then reads these sequential arrays, not the records and decoded packets: those objects
         * were written on the decode thread's core, and reading their fields cost the consumer
         * about as much again as detecting (round 9).
         */
        private final long[][] times = new long[BATCHES][BATCH], keyHigh = new long[BATCHES][BATCH], keyLow = new long[BATCHES][BATCH],
                lengthTtlFlags = new long[BATCHES][BATCH];
        private final int[][] tags = new int[BATCHES][BATCH];
        private final int[] counts = new int[BATCHES];
        /** Batches published by the decoder, and released by the consumer. */
        private final java.util.concurrent.atomic.AtomicLong produced = new java.util.concurrent.atomic.AtomicLong(),
                consumed = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean producerParked, consumerParked, cancelled;
        private volatile Throwable failure;
        private final Thread consumer = Thread.currentThread();
        private final Thread producer;

        DecodeAhead(CaptureReader reader) {
            this.reader = reader;
            for (int b = 0; b < BATCHES; b++) {
                for (int i = 0; i < BATCH; i++) {
                    records[b][i] = new PacketRecord();
                    decoded[b][i] = new DecodedPacket();
                }
            }
            producer = Thread.ofPlatform().daemon().name("renkei-decode").unstarted(this::produce);
        }

        private void produce() {
            long seq = 0;
            int k = BATCH;
            try {
                while (k == BATCH && !cancelled) {
                    while (seq - consumed.get() >= BATCHES) {
                        producerParked = true;
                        if (seq - consumed.get() >= BATCHES && !cancelled) java.util.concurrent.locks.LockSupport.park(this);
                        producerParked = false;
                        if (cancelled) return;
                    }
                    int b = (int) (seq % BATCHES);
                    k = fill(b);
                    counts[b] = k;
                    publish(++seq);
                }
            } catch (Throwable e) {
                failure = e;
                counts[(int) (seq % BATCHES)] = 0;
                publish(++seq);
            }
        }

        /**
         * Reads, decodes, classifies and counts up to {@link #BATCH} packets into batch {@code b}; returns how
         * many. Called once a batch, for the same reason as {@link #consume}.
         */
        private int fill(int b) throws java.io.IOException {
            PacketRecord[] rs = records[b];
            DecodedPacket[] ds = decoded[b];
            long[] hs = hashes[b];
            PacketClass[] cs = classes[b];
            int[] fs = fingerprints[b];
            long[] srcs = srcHashes[b], dsts = dstHashes[b];
            long[] ts = times[b], kh = keyHigh[b], kl = keyLow[b], ltf = lengthTtlFlags[b];
            int[] tg = tags[b];
            int k = 0;
            while (k < BATCH && reader.next(rs[k])) {
                DecodedPacket d = ds[k];
                PacketDecoder.decode(rs[k], d);
                ts[k] = rs[k].timestampNanos;
                kh[k] = ScanDetector.keySourceHigh(d);
                kl[k] = ScanDetector.keySourceLow(d);
                tg[k] = ScanDetector.keyTag(d);
                hs[k] = ScanDetector.keyHash(kh[k], kl[k], tg[k]);
                ltf[k] = ScanDetector.lengthTtlFlags(d);
                // Classifying, fingerprinting and hashing for the distinct counters read only the
                // packet (and the immutable rule tables): done here, off the consumer's path.
                PacketClass c = classifier.classify(d);
                cs[k] = c;
                if (c == PacketClass.UNDECODED) {
                    fs[k] = -1;
                } else {
                    fs[k] = classifier.fingerprint(d, c);
                    if (d.ipVersion == 4) {
                        srcs[k] = DistinctCounter.hashInt(d.src4);
                        dsts[k] = DistinctCounter.hashInt(d.dst4);
                    } else {
                        srcs[k] = DistinctCounter.hash128(d.src6Hi, d.src6Lo);
                        dsts[k] = DistinctCounter.hash128(d.dst6Hi, d.dst6Lo);
                    }
                }
                k++;
            }
            // The decoder used to load the batch's slots here too (ScanDetector.warm) so that the consumer
            // found them in a shared cache: that cut the consumer's CPU time, but the misses moved to this
            // thread and the process as a whole did more (round 6: whole runs at load ~2.5, 10.6 -> 8.7 s of
            // CPU, 6.6 -> 5.5 s wall without it); on two cores the total is what the wall time pays.
            // A whole batch, once read: what the consumer will process, no more.
            for (int i = 0; i < k; i++) count(rs[i], ds[i], cs[i], fs[i], srcs[i]);
            return k;
        }

        private void publish(long seq) {
            produced.set(seq);
            if (consumerParked) java.util.concurrent.locks.LockSupport.unpark(consumer);
        }

        void run(Runnable everyMillionPackets) throws java.io.IOException {
            boolean ahead = prefetch;
            boolean firstPrefetched = false; // the batch's first group was prefetched at the end of the one before
            producer.start();
            long n = 0;
            boolean done = false;
            try {
                for (long seq = 0; !done; seq++) {
                    awaitBatch(seq);
                    int b = (int) (seq % BATCHES);
                    int k = counts[b];
                    firstPrefetched = consume(seq, b, k, ahead, firstPrefetched);
                    n += k;
                    done = k < BATCH;
                    consumed.set(seq + 1);
                    if (producerParked && produced.get() - (seq + 1) <= BATCHES / 2) java.util.concurrent.locks.LockSupport.unpark(producer);
                    if (everyMillionPackets != null && (n & 0xFFFFF) < k) everyMillionPackets.run();
                }
            } finally {
                cancelled = !done;
                java.util.concurrent.locks.LockSupport.unpark(producer);
                boolean interrupted = false;
                while (producer.isAlive()) {
                    try {
                        producer.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) Thread.currentThread().interrupt();
            }
            Throwable f = failure;
            if (f instanceof java.io.IOException e) throw e;
            if (f instanceof RuntimeException e) throw e;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
        }

        /**
         * Detects one batch; returns whether the next batch's first group was prefetched. A method of its
         * own, called once a batch, so that the JIT compiles it as a method (one C2 compile, early) rather
         * than the loop in {@link #run} by on-stack replacement.
         */
        private boolean consume(long seq, int b, int k, boolean ahead, boolean firstPrefetched) {
            DecodedPacket[] ds = decoded[b];
            long[] hs = hashes[b];
            PacketClass[] cs = classes[b];
            int[] fs = fingerprints[b];
            long[] dsts = dstHashes[b];
            long[] ts = times[b], kh = keyHigh[b], kl = keyLow[b], ltf = lengthTtlFlags[b];
            int[] tg = tags[b];
            int step = ahead ? GROUP : TOUCH_GROUP;
            if (ahead && !firstPrefetched) scans.prefetch(hs, 0, Math.min(k, GROUP));
            boolean nextPrefetched = false;
            for (int g = 0; g < k; g += step) {
                int end = Math.min(k, g + step);
                // As in readGrouped: the next group's slots start loading now (at the end of a batch, the
                // next batch's first group, if it is ready), or this group's are touched.
                if (ahead) {
                    if (end < k) {
                        scans.prefetch(hs, end, Math.min(k, end + GROUP));
                    } else if (k == BATCH && produced.get() > seq + 1) {
                        int nb = (int) ((seq + 1) % BATCHES);
                        scans.prefetch(hashes[nb], 0, Math.min(counts[nb], GROUP));
                        nextPrefetched = true;
                    }
                } else {
                    for (int i = g; i < end; i++) scans.touch(hs[i]);
                }
                for (int i = g; i < end; i++) detect(ds[i], ts[i], kh[i], kl[i], tg[i], ltf[i], hs[i], cs[i], fs[i], dsts[i]);
            }
            return nextPrefetched;
        }

        private void awaitBatch(long seq) {
            for (int spin = 0; produced.get() <= seq; spin++) {
                if (spin < 2000) {
                    Thread.onSpinWait();
                    continue;
                }
                consumerParked = true;
                if (produced.get() <= seq) java.util.concurrent.locks.LockSupport.park(this);
                consumerParked = false;
            }
        }
    }

    public void recordSkips(CaptureReader reader) {
        for (SkipReason reason : SkipReason.values()) {
            long k = reader.skipped(reason);
            if (k > 0) skipped.merge(reason.name().toLowerCase() + ": " + reason.description(), k, Long::sum);
        }
    }

    public void unreadable(String fileAndReason) {
        unreadable.add(fileAndReason);
    }

    public void addFile(String name) {
        files.add(name);
    }

    public long darknetSize() {
        return config.darknetSize() > 0 ? config.darknetSize() : Math.max(1, destinations.estimate());
    }

    /** Ends every open episode and builds the report. */
    public AnalysisReport finish() {
        long size = darknetSize();
        scans.darknetSize(size);
        dos.darknetSize(size);
        mergeTopSources(scans.collectActivityAndFinish(config.topN()));
        dos.finish();
        drainEvents();
        if (config.darknetSize() <= 0) {
            // Episodes that ended mid-capture were scaled by the size known then; use the final estimate.
            campaigns.replaceAll(c -> new ScanCampaign(c.state(), c.source(), c.protocol(), c.port(), c.start(), c.end(), c.packets(),
                    c.distinctDestinations(), c.packetsPerSecond(), Math.min(1.0, c.distinctDestinations() / (double) size), c.fingerprints()));
            attacks.replaceAll(a -> new DosAttack(a.state(), a.victim(), a.protocol(), a.ports(), a.start(), a.end(), a.packets(), a.bytes(),
                    a.peakPacketsPer60s(), a.observedPacketsPerSecond(),
                    a.victim().contains(":") ? 0 : a.observedPacketsPerSecond() * (4294967296.0 / size)));
        }
        countLinkType(Integer.MIN_VALUE);
        Map<String, Long> status = new LinkedHashMap<>();
        for (DecodeStatus s : DecodeStatus.values()) if (statusCounts[s.ordinal()] > 0) status.put(s.name().toLowerCase(), statusCounts[s.ordinal()]);
        Map<String, Long> classes = new LinkedHashMap<>();
        for (PacketClass c : PacketClass.values()) if (classCounts[c.ordinal()] > 0) classes.put(c.name().toLowerCase(), classCounts[c.ordinal()]);
        Map<String, Long> protocols = new LinkedHashMap<>();
        for (int p = 0; p < 256; p++) if (protocolCounts[p] > 0) protocols.put(org.renkei.sensor.detect.Addresses.protocolName(p), protocolCounts[p]);
        Map<String, Long> links = new LinkedHashMap<>();
        linkTypes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> links.put(Integer.toString(e.getKey()), e.getValue()));
        List<AnalysisReport.FingerprintCount> fps = new ArrayList<>();
        for (int i = 0; i < fingerprintPackets.length; i++) {
            fps.add(new AnalysisReport.FingerprintCount(classifier.fingerprintId(i), classifier.fingerprintDescription(i),
                    fingerprintPackets[i], fingerprintPackets[i] == 0 ? 0 : Math.max(1, fingerprintSources[i].estimate())));
        }
        List<SourceActivity> top = topSources.values().stream().sorted(Comparator.comparingLong(SourceActivity::packets).reversed()
                .thenComparing(SourceActivity::source)).limit(config.topN()).toList();
        // Protocol and port too, so that campaigns of one source starting in the same second keep one
        // order whatever the order the table held them in.
        campaigns.sort(Comparator.comparing(ScanCampaign::start).thenComparing(ScanCampaign::source).thenComparing(ScanCampaign::protocol)
                .thenComparing(ScanCampaign::port, Comparator.nullsFirst(Comparator.naturalOrder())));
        attacks.sort(Comparator.comparing(DosAttack::start).thenComparing(DosAttack::victim));
        return new AnalysisReport(List.copyOf(files), packets, bytes,
                packets == 0 ? null : instant(firstNs), packets == 0 ? null : instant(lastNs),
                packets == 0 ? 0 : (lastNs - firstNs) / 1e9, links, status, protocols, classes,
                topPorts(tcpPorts), topPorts(udpPorts), top, packets == 0 ? 0 : sources.estimate(), fps,
                List.copyOf(campaigns), List.copyOf(attacks), Map.copyOf(skipped), List.copyOf(unreadable), size,
                state(), classifier.version());
    }

    /** The detectors' tables: their bound, what the bound cost so far, and their off-heap bytes. */
    public AnalysisReport.State state() {
        return new AnalysisReport.State(scans.maxEntries(), scans.evictedKeys(), scans.evictedWithActivity(), scans.droppedKeys(),
                dos.droppedKeys(), dos.evictedKeys(), scans.tableBytes() + dos.tableBytes());
    }

    private List<AnalysisReport.PortCount> topPorts(long[] counts) {
        List<AnalysisReport.PortCount> out = new ArrayList<>();
        for (int p = 0; p < counts.length; p++) if (counts[p] > 0) out.add(new AnalysisReport.PortCount(p, counts[p]));
        out.sort(Comparator.comparingLong(AnalysisReport.PortCount::packets).reversed().thenComparingInt(AnalysisReport.PortCount::port));
        return out.size() > config.topN() ? List.copyOf(out.subList(0, config.topN())) : out;
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public void close() {
        scans.close();
        dos.close();
    }
}
