package org.renkei.sensor.observe;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.renkei.sensor.classify.PacketClassifier;
import org.renkei.sensor.detect.DosAttack;
import org.renkei.sensor.detect.ScanCampaign;
import org.renkei.sensor.pcap.CaptureFormatException;
import org.renkei.sensor.pcap.CaptureReader;
import org.renkei.sensor.pcap.PacketRecord;
import org.renkei.sensor.report.AnalysisReport;
import org.renkei.sensor.report.CaptureAnalyzer;

/**
 * Live mode: packets from a stream (or a directory of rotating captures) go through
 * the {@link CaptureAnalyzer}; every interval of wall-clock time a timer cuts an
 * {@link ObservationBatch}, spools it durably, and wakes the sender thread, which posts
 * everything spooled (including what a previous run left) until the center acknowledges.
 *
 * <p>Threads: the caller reads packets and feeds the analyzer under a lock that the
 * timer takes once per interval (an uncontended lock per packet costs tens of
 * nanoseconds, far below a live link's packet rate); a daemon thread sends.
 */
public final class LiveSensor implements AutoCloseable {
    public record Config(String sensorId, Duration interval, int maxSources, URI center, String token, Path spool,
                         Duration drainTimeout, CaptureAnalyzer.Config analyzer) {
    }

    private final Config config;
    private final CaptureAnalyzer analyzer;
    private final ReentrantLock lock = new ReentrantLock();
    private final ObservationSpool spool;
    private final ObservationSender sender;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer;
    private final Thread senderThread;
    private final Object wake = new Object();
    private volatile boolean stopping;
    // Written by the thread that cuts, read by others (progress, the command's summary).
    private volatile long batches, intervals, packets;
    private volatile boolean verbose;

    public LiveSensor(Config config, PacketClassifier classifier, Consumer<String> log) throws IOException {
        this.config = config;
        this.log = log;
        this.analyzer = new CaptureAnalyzer(config.analyzer(), classifier);
        this.analyzer.liveMode();
        this.spool = new ObservationSpool(config.spool());
        this.sender = new ObservationSender(spool, config.center(), config.token(), log);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sensor-batch-timer");
            t.setDaemon(true);
            return t;
        });
        long ms = config.interval().toMillis();
        timer.scheduleAtFixedRate(() -> cut(false), ms, ms, TimeUnit.MILLISECONDS);
        this.senderThread = Thread.ofPlatform().daemon().name("sensor-sender").start(this::sendLoop);
    }

    public ObservationSender sender() {
        return sender;
    }

    /** Batches spooled so far (each part counts). */
    public long batches() {
        return batches;
    }

    /** Packets of the intervals cut so far. */
    public long packets() {
        return packets;
    }

    /** Logs one line per cut interval (packets, sources, parts, batches cut and sent). */
    public void verbose(boolean on) {
        this.verbose = on;
    }

    /** Feeds every packet of the reader; returns at end of input. */
    public void consume(CaptureReader reader) throws IOException {
        PacketRecord r = new PacketRecord();
        while (reader.next(r)) {
            lock.lock();
            try {
                analyzer.accept(r);
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            analyzer.recordSkips(reader);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Follows a directory of rotating capture files: each file is read once it is complete,
     * i.e. a newer file exists or it has not changed for two intervals. Names already read
     * are remembered in the spool ({@code files-read.txt}) across restarts.
     */
    public void follow(Path dir, java.util.function.BooleanSupplier keepGoing) throws IOException, InterruptedException {
        Path state = config.spool().resolve("files-read.txt");
        Set<String> done = new HashSet<>(Files.exists(state) ? Files.readAllLines(state) : List.of());
        while (keepGoing.getAsBoolean()) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
            }
            // Rotation deletes old files: forget their names, or the set (and files-read.txt) grows forever.
            if (pruneRead(done, files)) {
                Path tmp = state.resolveSibling("files-read.txt.tmp");
                Files.write(tmp, done.stream().sorted().toList(), StandardCharsets.UTF_8);
                Files.move(tmp, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            readNames = done.size();
            boolean progressed = false;
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                String name = f.getFileName().toString();
                if (done.contains(name)) continue;
                boolean newest = i == files.size() - 1;
                long age = System.currentTimeMillis() - Files.getLastModifiedTime(f).toMillis();
                if (newest && age < 2 * config.interval().toMillis()) break;
                try (CaptureReader reader = CaptureReader.open(f)) {
                    consume(reader);
                } catch (CaptureFormatException e) {
                    log.accept("skipping " + e.getMessage());
                }
                done.add(name);
                readNames = done.size();
                Files.writeString(state, name + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                progressed = true;
            }
            if (!progressed) Thread.sleep(1000);
        }
    }

    private volatile int readNames;

    /** Names of read files remembered by {@link #follow} (those still in the directory). */
    public int rememberedFiles() {
        return readNames;
    }

    /** Keeps only the names of files still listed; true when some were dropped. */
    static boolean pruneRead(Set<String> done, List<Path> present) {
        Set<String> names = new HashSet<>();
        for (Path p : present) names.add(p.getFileName().toString());
        return done.retainAll(names);
    }

    /** The scan table's early evictions already reported by {@link #cut}. */
    private long evictedBefore, evictedActiveBefore, dosEvictedBefore;

    /**
     * Cuts a batch now and spools it: as several parts when the interval has more than
     * {@link ObservationBatch#MAX_EVENTS} events (part 1 with the interval's counts, sources
     * and ports, later parts with events only). At end of input the episodes still open are
     * ended and handed out in chunks of that size, each spooled before the next is made.
     */
    public void cut(boolean endOfInput) {
        CaptureAnalyzer.Interval iv;
        AnalysisReport.State state;
        lock.lock();
        try {
            iv = analyzer.cutInterval(config.maxSources());
            state = analyzer.state();
        } finally {
            lock.unlock();
        }
        long evicted = state.scanEntriesEvicted() - evictedBefore;
        if (evicted > 0) {
            log.accept(String.format("state bound reached (%d entries): %d entries ended early to make room since the last batch, least recently"
                    + " seen first (%d of them with activity missing from their batch); raise --max-state-entries",
                    state.scanEntriesMax(), evicted, state.scanEntriesEvictedWithActivity() - evictedActiveBefore));
            evictedBefore = state.scanEntriesEvicted();
            evictedActiveBefore = state.scanEntriesEvictedWithActivity();
        }
        if (state.dosEntriesEvicted() > dosEvictedBefore) {
            log.accept(String.format("DoS state bound reached: %d backscatter vectors ended early to make room for new victims since the last batch,"
                    + " least recently seen first", state.dosEntriesEvicted() - dosEvictedBefore));
            dosEvictedBefore = state.dosEntriesEvicted();
        }
        intervals++;
        packets += iv.packets();
        EventFeed events = new EventFeed(iv.scanEvents(), iv.dosEvents(), endOfInput);
        UUID first = UUID.randomUUID();
        Instant created = Instant.now();
        int part = 1;
        boolean more;
        do {
            List<ScanCampaign> scans = new ArrayList<>();
            List<DosAttack> dos = new ArrayList<>();
            events.take(ObservationBatch.MAX_EVENTS, scans, dos);
            more = events.hasMore();
            UUID id = part == 1 ? first : UUID.randomUUID();
            ObservationBatch batch = part == 1
                    ? new ObservationBatch(ObservationBatch.SCHEMA_VERSION, id, config.sensorId(),
                            iv.firstPacket(), iv.lastPacket(), created, iv.packets(), iv.bytes(), iv.packetClasses(),
                            iv.sources().sources(), Math.max(0, iv.sources().sources() - iv.sources().top().size()), iv.sources().top(),
                            iv.ports().stream().map(p -> new ObservationBatch.PortCount(p.protocol(), p.port(), p.packets())).toList(),
                            scans, dos, iv.darknetSize(), analyzer.rulesVersion(), 1, id, more, evicted)
                    : new ObservationBatch(ObservationBatch.SCHEMA_VERSION, id, config.sensorId(),
                            iv.firstPacket(), iv.lastPacket(), created, 0, 0, Map.of(), 0, 0, List.of(), List.of(),
                            scans, dos, iv.darknetSize(), analyzer.rulesVersion(), part, first, more, 0);
            try {
                spool.put(batch);
                batches++;
            } catch (IOException e) {
                log.accept("cannot spool batch " + batch.batchId() + " (part " + part + ") to " + config.spool() + ": " + e.getMessage()
                        + " (observations of this interval are lost; check disk space and permissions)");
            }
            part++;
        } while (more);
        if (verbose) {
            log.accept(String.format("cut interval %d: %d packets, %d sources, %d part(s); total %d packets, %d batches cut, %d sent, %d rejected",
                    intervals, iv.packets(), iv.sources().sources(), part - 1, packets, batches, sender.sent(), sender.rejected()));
        }
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /**
     * The events of one cut, in order: the interval's own, then (at end of input) the ENDED
     * events of every open episode, fetched from the analyzer a chunk at a time.
     */
    private final class EventFeed {
        private final ArrayDeque<ScanCampaign> scans;
        private final ArrayDeque<DosAttack> dos;
        private boolean exhausted;

        EventFeed(List<ScanCampaign> scans, List<DosAttack> dos, boolean endOfInput) {
            this.scans = new ArrayDeque<>(scans);
            this.dos = new ArrayDeque<>(dos);
            this.exhausted = !endOfInput;
        }

        void take(int max, List<ScanCampaign> scanOut, List<DosAttack> dosOut) {
            while (scanOut.size() + dosOut.size() < max && hasMore()) {
                if (!scans.isEmpty()) scanOut.add(scans.poll());
                else dosOut.add(dos.poll());
            }
        }

        boolean hasMore() {
            while (scans.isEmpty() && dos.isEmpty() && !exhausted) {
                lock.lock();
                try {
                    CaptureAnalyzer.Episodes e = analyzer.endEpisodes(ObservationBatch.MAX_EVENTS);
                    scans.addAll(e.scans());
                    dos.addAll(e.dos());
                    exhausted = e.done();
                } finally {
                    lock.unlock();
                }
            }
            return !scans.isEmpty() || !dos.isEmpty();
        }
    }

    private void sendLoop() {
        try {
            while (!stopping) {
                boolean empty = sender.sendPending();
                long wait = empty ? 5000 : Math.max(1000, sender.backoffMillis());
                synchronized (wake) {
                    if (!stopping) wake.wait(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * End of input: cuts the last batch (ending open scans and attacks) and tries to send
     * everything until the drain timeout. Returns true when the spool is empty.
     */
    public boolean finish() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(10, TimeUnit.SECONDS); // a cut in progress completes
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        senderThread.join(35_000); // a send in progress completes (HTTP timeout 30 s)
        cut(true);
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (true) {
            if (sender.sendPending()) return true;
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left), Math.max(200, sender.backoffMillis())));
        }
    }

    @Override
    public void close() {
        stopping = true;
        timer.shutdownNow();
        senderThread.interrupt();
        analyzer.close();
    }
}
