package org.renkei.intel;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.renkei.NotFoundException;
import org.renkei.access.AccessPolicy;
import org.renkei.access.Member;
import org.renkei.access.MemberDirectory;
import org.renkei.access.Principal;
import org.renkei.access.Sector;
import org.renkei.stix.StixObject;
import org.renkei.stix.Tlp;
import org.renkei.store.BinaryCopy;
import org.renkei.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Accepts STIX content. {@link #submit} checks every object at once (validation,
 * the collection's TLP rule, anonymisation), records a pending status and queues
 * the good objects; one writer thread stores queued objects in batches, one
 * transaction per batch (group commit) that also marks them complete. So "complete"
 * always means durable. The live stream learns of them from the store ({@link StoreFeed}).
 *
 * <p>The writer holds the {@code date_added_clock} row lock for its transaction and
 * hands out microseconds after the last one: date_added is strictly increasing in
 * commit order, across batches, bulk inserts in one millisecond and processes.
 */
public final class Ingestor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    static final int MAX_BATCH_OBJECTS = 20_000;
    static final Duration STATUS_RETENTION = Duration.ofHours(48);

    private final Jdbi jdbi;
    private final MemberDirectory members;
    private final ObjectChecks checks;
    private final Anonymizer anonymizer;
    private final Principal centerPrincipal;
    private final String centerIdentity;
    private final JsonMapper json;
    private final StoreVersion storeVersion;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    public Ingestor(Jdbi jdbi, StoreVersion storeVersion, MemberDirectory members, ObjectChecks checks,
                    Member center, JsonMapper json) {
        this.jdbi = jdbi;
        this.storeVersion = storeVersion;
        this.centerPrincipal = new Principal(center.id(), center.name(), center.type(), null, Set.of(),
                org.renkei.access.Role.ADMIN, null);
        String centerIdentity = center.identityId();
        this.centerIdentity = centerIdentity;
        this.members = members;
        this.checks = checks;
        this.anonymizer = new Anonymizer(centerIdentity);
        this.json = json;
        failLeftoverPendings();
        this.writer = Thread.ofPlatform().name("renkei-ingest-writer").daemon().start(this::run);
    }

    /**
     * A checked object ready to store.
     *
     * @param key        its corroboration key (see {@link Corroboration}), or null
     * @param sightingOf for a sighting, the id of what it sights, else null
     */
    record Prepared(String id, long versionUs, String type, String specVersion, int tlp, boolean revoked, String body,
                    String original, String version, String key, String sightingOf) {
    }

    private record Job(UUID statusId, Principal submitter, boolean anonymous, Submission submission,
                       List<Prepared> objects) {
    }

    /**
     * Checks and queues the objects; returns the status (pending for queued objects,
     * failures with reasons for refused ones).
     */
    public SubmissionStatus submit(Submission s, List<JsonNode> objects) {
        List<StixObject> nodes = new ArrayList<>();
        List<SubmissionStatus.Entry> notObjects = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i) instanceof ObjectNode o) {
                nodes.add(StixObject.of(o));
            } else {
                notObjects.add(new SubmissionStatus.Entry(null, null, "objects[" + i + "] is a "
                        + objects.get(i).getNodeType().name().toLowerCase() + ", not a JSON object"));
            }
        }
        return submit(s, nodes, notObjects);
    }

    /**
     * Checks and queues parsed objects; {@code notObjects} are elements of the request that
     * were not objects at all, reported as failures.
     */
    public SubmissionStatus submit(Submission s, List<StixObject> nodes, List<SubmissionStatus.Entry> notObjects) {
        Principal p = s.submitter();
        Member member = members.get(p.memberId());
        boolean anonymous = s.anonymous() != null ? s.anonymous() : member.anonymousByDefault();
        List<SubmissionStatus.Entry> failures = new ArrayList<>(notObjects);
        Set<String> hidden = anonymous ? Anonymizer.hiddenIdentities(member, nodes) : Set.of();
        List<Prepared> ready = new ArrayList<>();
        List<SubmissionStatus.Entry> successes = new ArrayList<>();
        int total = nodes.size() + notObjects.size();
        for (StixObject o : nodes) {
            ObjectChecks.Result r = checks.check(o);
            if (!r.errors().isEmpty()) {
                failures.add(new SubmissionStatus.Entry(r.id(), r.version(), String.join("; ", r.errors())));
                continue;
            }
            String refusal = s.tlpRule().apply(r.tlp());
            if (refusal != null) {
                failures.add(new SubmissionStatus.Entry(r.id(), r.version(), refusal));
                continue;
            }
            String original = o.toJson();
            String body = original;
            if (anonymous) {
                ObjectNode shared = anonymizer.anonymize(o.json(), member, hidden);
                if (shared == null) {
                    successes.add(new SubmissionStatus.Entry(r.id(), r.version(),
                            "withheld: it identifies the anonymous submitter"));
                    continue;
                }
                body = json.writeValueAsString(shared);
            }
            int tlp = AccessPolicy.code(r.tlp() == null ? Tlp.AMBER : r.tlp());
            String sighted = "sighting".equals(r.type()) ? o.stringProperty("sighting_of_ref").orElse(null) : null;
            ready.add(new Prepared(r.id(), r.versionUs(), r.type(), r.specVersion(), tlp, r.revoked(), body,
                    anonymous && !body.equals(original) ? original : null, r.version(), Corroboration.keyOf(o), sighted));
        }
        UUID statusId = UUID.randomUUID();
        Instant now = Instant.now();
        List<SubmissionStatus.Entry> pendings = ready.stream()
                .map(x -> new SubmissionStatus.Entry(x.id(), x.version(), null)).toList();
        SubmissionStatus st = SubmissionStatus.of(statusId, s.collection(), p.memberId(), now,
                ready.isEmpty() ? "complete" : "pending", total, successes, failures, pendings);
        // the pendings are stored as "accepted": they become the successes when the writer completes the status
        jdbi.useHandle(h -> h.createUpdate("""
                insert into submission_status (id, collection, member_id, request_timestamp, status, total_count,
                  success_count, failure_count, pending_count, successes, failures, accepted)
                values (:id, :collection, :member, :ts, :status, :total, :sc, :fc, :pc, :successes, :failures, :accepted)""")
                .bind("id", statusId).bind("collection", s.collection()).bind("member", p.memberId())
                .bind("ts", now).bind("status", st.status()).bind("total", total)
                .bind("sc", st.successCount()).bind("fc", st.failureCount()).bind("pc", st.pendingCount())
                .bind("successes", st.successesJson()).bind("failures", st.failuresJson())
                .bind("accepted", st.pendingsJson()).execute());
        if (!ready.isEmpty()) {
            unwritten.incrementAndGet();
            queue.add(new Job(statusId, p, anonymous, s, ready));
        }
        return st;
    }

    /** A status, for its submitter's organisation and center staff; anyone else gets not-found. */
    public SubmissionStatus status(UUID id, Principal p) {
        return jdbi.withHandle(h -> h.createQuery("""
                select id, collection, member_id, request_timestamp, status, total_count, success_count, successes,
                  failure_count, failures, pending_count, accepted from submission_status where id = :id""")
                .bind("id", id)
                .map((rs, ctx) -> {
                    boolean complete = rs.getString(5).equals("complete");
                    // accepted objects are pending until the writer stored them, then successes
                    String accepted = rs.getString(12);
                    return new SubmissionStatus(rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getObject(3, UUID.class), rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getInt(6),
                            rs.getInt(7), complete ? SubmissionStatus.concat(rs.getString(8), accepted) : rs.getString(8),
                            rs.getInt(9), rs.getString(10), rs.getInt(11), complete ? SubmissionStatus.EMPTY : accepted);
                })
                .findOne())
                .filter(st -> p.isCenterStaff() || st.memberId().equals(p.memberId()))
                .orElseThrow(() -> new NotFoundException("no status has id " + id));
    }

    /** Waits until everything queued so far is stored (for tests and orderly shutdown). */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unwritten.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    /** Jobs queued and not yet written (or failed). */
    private final java.util.concurrent.atomic.AtomicInteger unwritten = new java.util.concurrent.atomic.AtomicInteger();

    private void run() {
        long lastCleanup = 0;
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (System.nanoTime() - lastCleanup > TimeUnit.HOURS.toNanos(1)) {
                    lastCleanup = System.nanoTime();
                    deleteOldStatuses();
                }
                if (first == null) {
                    continue;
                }
                List<Job> batch = new ArrayList<>();
                batch.add(first);
                int n = first.objects().size();
                Job next;
                while (n < MAX_BATCH_OBJECTS && (next = queue.peek()) != null
                        && n + next.objects().size() <= MAX_BATCH_OBJECTS) {
                    batch.add(queue.poll());
                    n += next.objects().size();
                }
                try {
                    write(batch);
                } finally {
                    unwritten.addAndGet(-batch.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("the ingest writer failed on a batch; its submissions are marked failed", e);
            }
        }
    }

    private void write(List<Job> batch) {
        List<StoredObject> inserted = new ArrayList<>();
        try {
            storeVersion.write(jdbi, h -> {
                long last = h.createQuery("select last_us from date_added_clock for update").mapTo(Long.class).one();
                Set<String> ids = new HashSet<>();
                List<Corroboration.Source> reports = new ArrayList<>();
                List<Corroboration.Source> sightings = new ArrayList<>();
                Map<UUID, List<SubmissionStatus.Entry>> refused = new HashMap<>();
                List<Job> accepted = refuseUpdatesOfRevoked(h, batch, refused);
                for (Job job : accepted) {
                    for (Prepared o : job.objects()) {
                        ids.add(o.id());
                        if (o.key() != null) {
                            reports.add(new Corroboration.Source(o.key(), job.submitter().memberId(), o.id(), "report", o.tlp()));
                        }
                        if (o.sightingOf() != null) {
                            sightings.add(new Corroboration.Source(o.sightingOf(), job.submitter().memberId(), o.id(),
                                    "sighting", o.tlp()));
                        }
                    }
                }
                List<Prepared> merged = new ArrayList<>();
                for (Corroboration.Merged m : Corroboration.record(h, reports, sightings, centerIdentity, Instant.now())) {
                    ObjectChecks.Result r = checks.check(StixObject.of(m.object()));
                    merged.add(new Prepared(m.id(), r.versionUs(), "indicator", "2.1", m.tlp(), false,
                            json.writeValueAsString(m.object()), null, r.version(), null, null));
                    ids.add(m.id());
                }
                List<Job> jobs = new ArrayList<>(accepted);
                if (!merged.isEmpty()) {
                    jobs.add(new Job(null, centerPrincipal, false, new Submission(centerPrincipal,
                            "corroboration", org.renkei.access.Audience.NONE, false, t -> null), merged));
                }
                last = insert(h, jobs, last, inserted);
                // rows go in as the latest version; only where a newer version exists (an update, or
                // an older version arriving late) is a row flipped, found through the primary key.
                // Rewriting every new row instead doubled the write load and slowed as the store grew.
                h.createUpdate("""
                        update stix_object o set is_latest = false
                        where o.id = any(:ids) and o.is_latest
                          and exists (select 1 from stix_object n where n.id = o.id and n.version_us > o.version_us)""")
                        .bind("ids", ids.toArray(String[]::new)).execute();
                h.createUpdate("update date_added_clock set last_us = :last").bind("last", last).execute();
                List<UUID> allStored = new ArrayList<>();
                for (Job job : accepted) {
                    if (job.statusId() == null) {
                        continue;
                    }
                    List<SubmissionStatus.Entry> no = refused.get(job.statusId());
                    if (no == null) {
                        allStored.add(job.statusId());
                        continue;
                    }
                    List<SubmissionStatus.Entry> ok = job.objects().stream()
                            .map(o -> new SubmissionStatus.Entry(o.id(), o.version(), null)).toList();
                    h.createUpdate("""
                            update submission_status set status = 'complete', success_count = success_count + :n,
                              failure_count = failure_count + :f, pending_count = 0, accepted = :ok,
                              failures = (failures::jsonb || :no::jsonb)::text
                            where id = :id""")
                            .bind("n", ok.size()).bind("f", no.size())
                            .bind("ok", SubmissionStatus.entriesJson(ok)).bind("no", SubmissionStatus.entriesJson(no))
                            .bind("id", job.statusId()).execute();
                }
                if (!allStored.isEmpty()) {
                    // every accepted object stored: its entries (already in "accepted") are the successes
                    h.createUpdate("""
                            update submission_status set status = 'complete', success_count = success_count + pending_count,
                              pending_count = 0
                            where id = any(:ids)""")
                            .bind("ids", allStored.toArray(UUID[]::new)).execute();
                }
                return last;
            });
        } catch (RuntimeException e) {
            for (Job job : batch) {
                failJob(job, "the store refused the batch (" + e.getMessage() + "); resubmit");
            }
            throw e;
        }
    }

    /**
     * A revoked object is final (STIX 2.1, 3.6): a later version of an object whose stored
     * version is revoked is refused. Returns the jobs without those objects and puts the
     * refusals, by status id, into {@code refused}.
     */
    private static List<Job> refuseUpdatesOfRevoked(Handle h, List<Job> batch, Map<UUID, List<SubmissionStatus.Entry>> refused) {
        // Most stores hold no revoked object at all: the partial index says so at once, and the
        // batch's 20,000 ids need not be sent and looked up (a tenth of the database's time).
        if (!h.createQuery("select exists (select 1 from stix_object where revoked)").mapTo(Boolean.class).one()) {
            return batch;
        }
        String[] ids = batch.stream().flatMap(j -> j.objects().stream()).map(Prepared::id).distinct().toArray(String[]::new);
        Map<String, Long> revokedAt = new HashMap<>();
        h.createQuery("select id, min(version_us) from stix_object where id = any(:ids) and revoked group by id")
                .bind("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> revokedAt.put(e.getKey(), e.getValue()));
        if (revokedAt.isEmpty()) {
            return batch;
        }
        List<Job> out = new ArrayList<>();
        for (Job job : batch) {
            List<Prepared> keep = new ArrayList<>();
            for (Prepared o : job.objects()) {
                Long at = revokedAt.get(o.id());
                if (at != null && o.versionUs() > at) {
                    refused.computeIfAbsent(job.statusId(), k -> new ArrayList<>()).add(new SubmissionStatus.Entry(o.id(),
                            o.version(), "this object was revoked at version " + Timestamps.format(at)
                            + "; a revoked object cannot get new versions (STIX 2.1 section 3.6)"));
                } else {
                    keep.add(o);
                }
            }
            out.add(new Job(job.statusId(), job.submitter(), job.anonymous(), job.submission(), keep));
        }
        return out;
    }

    private static final String STIX_OBJECT_COLUMNS = "id, version_us, date_added_us, type, spec_version, tlp, "
            + "submitter, anonymous, recipient_members, recipient_sectors, recipient_groups, revoked, is_latest, body, original";

    /**
     * Stores the jobs' objects with one binary COPY (see {@link BinaryCopy}); when some version
     * is stored already, through a per-session scratch table and an insert that skips those
     * (a resubmission is idempotent). The new versions go to {@code inserted} for publishing.
     * Returns the last date_added handed out.
     */
    private static long insert(Handle h, List<Job> jobs, long last, List<StoredObject> inserted) {
        BinaryCopy rows = new BinaryCopy();
        Map<String, Integer> byKey = new HashMap<>();
        List<StoredObject> staged = new ArrayList<>();
        long now = Timestamps.nowMicros();
        for (Job job : jobs) {
            var to = job.submission().recipients();
            List<String> sectors = to.sectors().stream().map(Sector::wire).toList();
            UUID submitter = job.submitter().memberId();
            for (Prepared o : job.objects()) {
                // a version twice in one batch: the first is stored, the other is a resubmission
                if (byKey.putIfAbsent(o.id() + "\u0000" + o.versionUs(), staged.size()) != null) {
                    continue;
                }
                last = Math.max(now, last + 1);
                rows.row(15).text(o.id()).int8(o.versionUs()).int8(last).text(o.type()).text(o.specVersion())
                        .int2(o.tlp()).uuid(submitter).bool(job.anonymous())
                        .uuidArray(to.members()).textArray(sectors).uuidArray(to.groups())
                        .bool(o.revoked()).bool(true).text(o.body()).text(o.original());
                staged.add(new StoredObject(o.id(), o.versionUs(), last, o.type(), o.specVersion(),
                        AccessPolicy.fromCode(o.tlp()), submitter, job.anonymous(), to, o.revoked(), o.body()));
            }
        }
        if (staged.isEmpty()) {
            return last;
        }
        // Nearly always every version is new: COPY straight into the table (a sixth less database
        // time than through the scratch table). A version already stored makes that COPY fail on the
        // primary key; then it is undone to the savepoint and the batch goes the idempotent way.
        Connection c = h.getConnection();
        try {
            Savepoint before = c.setSavepoint();
            try {
                rows.copyIn(c, "copy stix_object (" + STIX_OBJECT_COLUMNS + ") from stdin (format binary)");
                c.releaseSavepoint(before);
                inserted.addAll(staged);
                return last;
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(before);
            }
            h.execute("create temp table if not exists stix_object_stage (like stix_object) on commit delete rows");
            rows.copyIn(c, "copy stix_object_stage (" + STIX_OBJECT_COLUMNS + ") from stdin (format binary)");
        } catch (SQLException e) {
            throw new StoreException("could not store the batch: " + e.getMessage(), e);
        }
        h.createQuery("""
                insert into stix_object (id, version_us, date_added_us, type, spec_version, tlp, submitter, anonymous,
                  recipient_members, recipient_sectors, recipient_groups, revoked, is_latest, body, original)
                select id, version_us, date_added_us, type, spec_version, tlp, submitter, anonymous,
                  recipient_members, recipient_sectors, recipient_groups, revoked, is_latest, body, original
                from stix_object_stage
                on conflict (id, version_us) do nothing
                returning id, version_us""")
                .map((r, ctx) -> r.getString(1) + "\u0000" + r.getLong(2))
                // what was new (not a resubmitted version): publish it, with what we already hold
                .forEach(key -> inserted.add(staged.get(byKey.get(key))));
        return last;
    }

    private void failJob(Job job, String message) {
        if (job.statusId() == null) {
            return;
        }
        try {
            List<SubmissionStatus.Entry> failed = job.objects().stream()
                    .map(o -> new SubmissionStatus.Entry(o.id(), o.version(), message)).toList();
            jdbi.useHandle(h -> h.createUpdate("""
                    update submission_status set status = 'complete', failure_count = failure_count + :n,
                      pending_count = 0, failures = (failures::jsonb || :f::jsonb)::text, accepted = '[]' where id = :id""")
                    .bind("n", failed.size()).bind("f", SubmissionStatus.entriesJson(failed)).bind("id", job.statusId())
                    .execute());
        } catch (RuntimeException e) {
            LOG.error("could not record the failure of submission {}", job.statusId(), e);
        }
    }

    /** Objects that were pending when a previous run stopped were never stored: say so. */
    private void failLeftoverPendings() {
        jdbi.useHandle(h -> h.createUpdate("""
                update submission_status set status = 'complete', failure_count = failure_count + pending_count,
                  failures = (failures::jsonb || coalesce((select jsonb_agg(p || jsonb_build_object('message',
                    'the server stopped before this object was stored; resubmit it'))
                    from jsonb_array_elements(accepted::jsonb) p), '[]'))::text,
                  pending_count = 0, accepted = '[]'
                where status = 'pending'""").execute());
    }

    private void deleteOldStatuses() {
        jdbi.useHandle(h -> h.createUpdate("delete from submission_status where request_timestamp < :t")
                .bind("t", Instant.now().minus(STATUS_RETENTION)).execute());
    }

    @Override
    public void close() throws InterruptedException {
        awaitIdle(Duration.ofSeconds(30));
        running = false;
        writer.join(5_000);
    }
}
