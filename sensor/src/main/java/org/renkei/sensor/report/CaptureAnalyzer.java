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
    private static final int GROUP = 16;
    private final PacketRecord[] group = new PacketRecord[GROUP];
    private final DecodedPacket[] groupDecoded = new DecodedPacket[GROUP];
    private final long[] groupHashes = new long[GROUP];

    {
        for (int i = 0; i < GROUP; i++) {
            group[i] = new PacketRecord();
            groupDecoded[i] = new DecodedPacket();
        }
    }
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
        last = pkt;
        packets++;
        bytes += r.originalLength;
        long ts = r.timestampNanos;
        if (ts < firstNs) firstNs = ts;
        if (ts > lastNs) lastNs = ts;
        if (r.linkType != lastLinkType) countLinkType(r.linkType);
        lastLinkTypeCount++;
        statusCounts[pkt.status.ordinal()]++;
        PacketClass c = classifier.classify(pkt);
        classCounts[c.ordinal()]++;
        if (live) countInterval(r, c, pkt);
        if (c == PacketClass.UNDECODED) return c;
        protocolCounts[pkt.protocol]++;
        if (pkt.ipVersion == 4) {
            destinations.addInt(pkt.dst4);
            sources.addInt(pkt.src4);
        } else {
            destinations.add128(pkt.dst6Hi, pkt.dst6Lo);
            sources.add128(pkt.src6Hi, pkt.src6Lo);
        }
        int fp = classifier.fingerprint(pkt, c);
        if (fp >= 0) {
            fingerprintPackets[fp]++;
            if (pkt.ipVersion == 4) fingerprintSources[fp].addInt(pkt.src4);
            else fingerprintSources[fp].add128(pkt.src6Hi, pkt.src6Lo);
        }
        if (pkt.hasTransport) {
            if (pkt.isTcp()) tcpPorts[pkt.dstPort]++;
            else if (pkt.isUdp()) udpPorts[pkt.dstPort]++;
        }
        // A 64-bit division a packet was measurable: only a packet outside the current second divides.
        if (Long.compareUnsigned(ts - secStartNs, 1_000_000_000L) >= 0) newSecondOf(ts);
        long sec = curSec;
        scans.observe(pkt, c, fp, sec, keyHash);
        if (c == PacketClass.BACKSCATTER) dos.observeBackscatter(pkt, sec);
        if (sec != lastSec) onNewSecond(sec);
        return c;
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
        long n = 0;
        try {
            if (reader.sizeIfKnown() >= 0) {
                // Mapped file: records stay valid after the next one is read, so packets are decoded
                // in groups and their state slots touched first. The cache misses of a group then
                // overlap instead of stalling one packet at a time on a table of hundreds of MB.
                int k;
                do {
                    k = 0;
                    while (k < GROUP && reader.next(group[k])) {
                        PacketDecoder.decode(group[k], groupDecoded[k]);
                        groupHashes[k] = scans.keyHash(groupDecoded[k]);
                        k++;
                    }
                    // A tight loop of independent loads: the misses are in flight together.
                    for (int i = 0; i < k; i++) scans.touch(groupHashes[i]);
                    for (int i = 0; i < k; i++) process(group[i], groupDecoded[i], groupHashes[i]);
                    n += k;
                    if (everyMillionPackets != null && (n & 0xFFFFF) < k) everyMillionPackets.run();
                } while (k == GROUP);
            } else {
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
        mergeTopSources(scans.collectActivity(config.topN()));
        scans.finish();
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
        campaigns.sort(Comparator.comparing(ScanCampaign::start).thenComparing(ScanCampaign::source));
        attacks.sort(Comparator.comparing(DosAttack::start).thenComparing(DosAttack::victim));
        return new AnalysisReport(List.copyOf(files), packets, bytes,
                packets == 0 ? null : instant(firstNs), packets == 0 ? null : instant(lastNs),
                packets == 0 ? 0 : (lastNs - firstNs) / 1e9, links, status, protocols, classes,
                topPorts(tcpPorts), topPorts(udpPorts), top, packets == 0 ? 0 : sources.estimate(), fps,
                List.copyOf(campaigns), List.copyOf(attacks), Map.copyOf(skipped), List.copyOf(unreadable), size,
                new AnalysisReport.State(scans.maxEntries(), scans.droppedKeys(), dos.droppedKeys(), scans.tableBytes() + dos.tableBytes()),
                classifier.version());
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
