package org.renkei.intel;

import java.sql.SQLException;
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
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
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
    /**
     * The "accepted" entry list of recent submissions, by status id, as written at submit. A status
     * is polled many times while its objects wait; reading this ~80 bytes-per-object text back from
     * the database on every poll was a tenth of the database's time under bulk ingest. A poll reads
     * the column's length only (from the TOAST pointer, without reading the value) and uses the
     * cached text when the lengths agree: the writer only ever replaces the list by a strict subset
     * of it (some objects refused) or by {@code []}, both shorter. A miss (another process's
     * submission, an evicted entry) reads the column.
     */
    private final Cache<UUID, Accepted> acceptedLists = Caffeine.newBuilder()
            .maximumWeight(64L << 20).weigher((UUID k, Accepted v) -> v.bytes())
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    private record Accepted(String json, int bytes) {
    }
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
        Intake intake = intake(s);
        nodes.forEach(intake::add);
        return intake.finish(notObjects);
    }

    /** Starts a submission whose objects are handed over one at a time, as they are parsed. */
    public Intake intake(Submission s) {
        Member member = members.get(s.submitter().memberId());
        return new Intake(s, member, s.anonymous() != null ? s.anonymous() : member.anonymousByDefault());
    }

    /**
     * One submission, checked object by object: {@link #add} each object (e.g. straight from the
     * parser), then {@link #finish} records the status and queues what passed. Nothing is stored
     * before {@code finish}, so a body that turns out malformed half-way leaves no trace.
     *
     * <p>Why one at a time: an envelope of 5,000 objects is ~50 MB of JSON trees. Parsed whole and
     * then checked, the trees lived long enough to survive young collections and be copied into the
     * old generation (the server's heap grew by ~10 KB per ingested object between collections);
     * checked as they are read, each tree is garbage before the next is parsed. An anonymous
     * submission still holds its objects until the end: which identities it must hide depends on all
     * of them.
     */
    public final class Intake {
        private final Submission s;
        private final Member member;
        private final boolean anonymous;
        private final List<StixObject> held;
        private final List<Prepared> ready = new ArrayList<>();
        private final List<SubmissionStatus.Entry> failures = new ArrayList<>();
        private final List<SubmissionStatus.Entry> successes = new ArrayList<>();
        private int objects;

        private Intake(Submission s, Member member, boolean anonymous) {
            this.s = s;
            this.member = member;
            this.anonymous = anonymous;
            this.held = anonymous ? new ArrayList<>() : null;
        }

        /** Checks one object (an anonymous submission's wait for {@link #finish}). */
        public void add(StixObject o) {
            objects++;
            if (anonymous) {
                held.add(o);
            } else {
                prepare(o, Set.of());
            }
        }

        private void prepare(StixObject o, Set<String> hidden) {
            ObjectChecks.Result r = checks.check(o);
            if (!r.errors().isEmpty()) {
                failures.add(new SubmissionStatus.Entry(r.id(), r.version(), String.join("; ", r.errors())));
                return;
            }
            String refusal = s.tlpRule().apply(r.tlp());
            if (refusal != null) {
                failures.add(new SubmissionStatus.Entry(r.id(), r.version(), refusal));
                return;
            }
            String original = o.toJson();
            String body = original;
            if (anonymous) {
                ObjectNode shared = anonymizer.anonymize(o.json(), member, hidden);
                if (shared == null) {
                    successes.add(new SubmissionStatus.Entry(r.id(), r.version(),
                            "withheld: it identifies the anonymous submitter"));
                    return;
                }
                body = json.writeValueAsString(shared);
            }
            int tlp = AccessPolicy.code(r.tlp() == null ? Tlp.AMBER : r.tlp());
            String sighted = "sighting".equals(r.type()) ? o.stringProperty("sighting_of_ref").orElse(null) : null;
            ready.add(new Prepared(r.id(), r.versionUs(), r.type(), r.specVersion(), tlp, r.revoked(), body,
                    anonymous && !body.equals(original) ? original : null, r.version(), Corroboration.keyOf(o), sighted));
        }

        /**
         * Records the status (pending for queued objects, failures with reasons for refused ones,
         * after {@code notObjects}: elements of the request that were not objects at all) and
         * queues the objects that passed.
         */
        public SubmissionStatus finish(List<SubmissionStatus.Entry> notObjects) {
            if (anonymous) {
                Set<String> hidden = Anonymizer.hiddenIdentities(member, held);
                held.forEach(o -> prepare(o, hidden));
                held.clear();
            }
            List<SubmissionStatus.Entry> all = new ArrayList<>(notObjects);
            all.addAll(failures);
            return record(s, anonymous, objects + notObjects.size(), ready, successes, all);
        }
    }

    private SubmissionStatus record(Submission s, boolean anonymous, int total, List<Prepared> ready,
                                    List<SubmissionStatus.Entry> successes, List<SubmissionStatus.Entry> failures) {
        Principal p = s.submitter();
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
            String accepted = st.pendingsJson();
            acceptedLists.put(statusId, new Accepted(accepted, accepted.getBytes(StandardCharsets.UTF_8).length));
            unwritten.incrementAndGet();
            queue.add(new Job(statusId, p, anonymous, s, ready));
        }
        return st;
    }

    /** A status, for its submitter's organisation and center staff; anyone else gets not-found. */
    public SubmissionStatus status(UUID id, Principal p) {
        Accepted cached = acceptedLists.getIfPresent(id);
        return jdbi.withHandle(h -> h.createQuery("""
                select id, collection, member_id, request_timestamp, status, total_count, success_count, successes,
                  failure_count, failures, pending_count, octet_length(accepted) from submission_status where id = :id""")
                .bind("id", id)
                .map((rs, ctx) -> {
                    boolean complete = rs.getString(5).equals("complete");
                    String accepted = cached != null && cached.bytes() == rs.getInt(12) ? cached.json()
                            : h.createQuery("select accepted from submission_status where id = :id").bind("id", id)
                                    .mapTo(String.class).one();
                    // accepted objects are pending until the writer stored them, then successes
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
        try {
            storeVersion.write(jdbi, h -> {
                long last = h.createQuery("select last_us from date_added_clock for update").mapTo(Long.class).one();
                Map<UUID, List<SubmissionStatus.Entry>> refused = new HashMap<>();
                List<Job> accepted = refuseDeletedSubmitters(h, batch, refused);
                Map<String, Stored> stored = stored(h, accepted.stream().flatMap(j -> j.objects().stream())
                        .map(Prepared::id).distinct().toArray(String[]::new));
                accepted = refuseUpdatesOfRevoked(accepted, stored, refused);
                List<Corroboration.Source> reports = new ArrayList<>();
                List<Corroboration.Source> sightings = new ArrayList<>();
                for (Job job : accepted) {
                    for (Prepared o : job.objects()) {
                        if (o.key() != null) {
                            reports.add(new Corroboration.Source(o.key(), job.submitter().memberId(), o.id(), "report", o.tlp()));
                        }
                        if (o.sightingOf() != null) {
                            sightings.add(new Corroboration.Source(o.sightingOf(), job.submitter().memberId(), o.id(),
                                    "sighting", o.tlp()));
                        }
                    }
                }
                // a source names the object that reports it: when none of the batch's ids is stored,
                // none of its sources can be known already (but see Corroboration.record)
                List<Prepared> merged = new ArrayList<>();
                for (Corroboration.Merged m : Corroboration.record(h, reports, sightings, centerIdentity, Instant.now(),
                        stored.isEmpty())) {
                    ObjectChecks.Result r = checks.check(StixObject.of(m.object()));
                    merged.add(new Prepared(m.id(), r.versionUs(), "indicator", "2.1", m.tlp(), false,
                            json.writeValueAsString(m.object()), null, r.version(), null, null));
                }
                List<Job> jobs = new ArrayList<>(accepted);
                if (!merged.isEmpty()) {
                    stored.putAll(stored(h, merged.stream().map(Prepared::id).distinct().toArray(String[]::new)));
                    jobs.add(new Job(null, centerPrincipal, false, new Submission(centerPrincipal,
                            "corroboration", org.renkei.access.Audience.NONE, false, t -> null), merged));
                }
                last = insert(h, jobs, last, stored);
                h.createUpdate("update date_added_clock set last_us = :last").bind("last", last).execute();
                completeStatuses(h, accepted, refused);
                return last;
            });
        } catch (RuntimeException e) {
            for (Job job : batch) {
                failJob(job, "the store refused the batch (" + e.getMessage() + "); resubmit");
            }
            throw e;
        }
    }

    /** Marks the jobs' statuses complete: every accepted object stored, the refused ones failed. */
    private static void completeStatuses(Handle h, List<Job> accepted, Map<UUID, List<SubmissionStatus.Entry>> refused) {
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
    }

    /**
     * What the store holds of an id: its newest version, and its oldest revoked version
     * ({@link Long#MAX_VALUE} when none is revoked).
     */
    record Stored(long newestUs, long revokedUs) {
    }

    /**
     * One query for the stored state of every id of a batch (ids not stored are absent). Under the
     * clock lock this is exact: every writer of stix_object, deletes included, holds that lock.
     */
    private static Map<String, Stored> stored(Handle h, String[] ids) {
        Map<String, Stored> out = new HashMap<>();
        if (ids.length == 0) {
            return out;
        }
        // One scan of the primary key that takes the ids in turn, in sorted order: PostgreSQL 17+ walks the
        // index once for the whole array, skipping between ids, instead of descending once per id.
        // Asked plainly, the planner takes a large array for a sequential scan of the whole table
        // (16,000 ids on 400,000 rows, PostgreSQL 15: parallel seq scan, 1 s), so every batch cost more
        // as the store grew: the scan is made to use the index (see BatchLookups). The previous form, a
        // LATERAL aggregate per id, cost ~6.7 µs per id on PostgreSQL 18 (executor rescans), the index
        // scan ~2.5 µs (EXPLAIN ANALYZE, 17,000 ids on 400,000 rows: bench/center/README.md, ingest
        // round 5; the plans are checked by BatchLookupPlanTest).
        // The ids go as one comma-separated text, split by the server: a bound text[] of 20,000 ids is
        // escaped element by element by the driver (3 % of the ingest's JVM samples) and parsed back.
        // Checked STIX ids (type--uuid; type names are [a-z0-9-]) never contain a comma; should one
        // ever do, the array is bound as is.
        // (not sorted here: PostgreSQL sorts an index scan's array itself)
        boolean plain = java.util.Arrays.stream(ids).noneMatch(i -> i.indexOf(',') >= 0);
        var query = h.createQuery(storedVersionsSql(plain ? "string_to_array(:ids, ',')" : "cast(:ids as text[])"));
        var bound = plain ? query.bind("ids", String.join(",", ids)) : query.bind("ids", ids);
        BatchLookups.byIndex(h, ids.length,
                () -> bound.map((rs, ctx) -> Map.entry(rs.getString(1), new Stored(rs.getLong(2), rs.getLong(3)))).list())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The stored-versions query over the ids that {@code idArray} (SQL) gives. */
    static String storedVersionsSql(String idArray) {
        return "select o.id, max(o.version_us) as newest,"
                + " coalesce(min(o.version_us) filter (where o.revoked), 9223372036854775807) as revoked"
                + " from stix_object o where o.id = any(" + idArray + ") group by o.id";
    }

    /**
     * The submitting members' rows are locked (KEY SHARE) for the transaction: a member cannot be
     * deleted while its objects are being stored ({@code MemberDirectory.delete} locks the row for
     * update and then finds them), and one deleted while its batch waited in the queue is gone here,
     * so its objects are refused instead of stored without a member. (This lock replaces the foreign
     * key stix_object.submitter, which checked the same thing once per row.)
     */
    private static List<Job> refuseDeletedSubmitters(Handle h, List<Job> batch, Map<UUID, List<SubmissionStatus.Entry>> refused) {
        UUID[] submitters = batch.stream().map(j -> j.submitter().memberId()).distinct().toArray(UUID[]::new);
        Set<UUID> present = new HashSet<>(h.createQuery("select id from member where id = any(:ids) for key share")
                .bind("ids", submitters).mapTo(UUID.class).list());
        if (present.size() == submitters.length) {
            return batch;
        }
        List<Job> out = new ArrayList<>();
        for (Job job : batch) {
            if (present.contains(job.submitter().memberId())) {
                out.add(job);
                continue;
            }
            List<SubmissionStatus.Entry> no = refused.computeIfAbsent(job.statusId(), k -> new ArrayList<>());
            for (Prepared o : job.objects()) {
                no.add(new SubmissionStatus.Entry(o.id(), o.version(),
                        "the submitting member was removed before this object was stored; it was not stored"));
            }
            out.add(new Job(job.statusId(), job.submitter(), job.anonymous(), job.submission(), List.of()));
        }
        return out;
    }

    /**
     * A revoked object is final (STIX 2.1, 3.6): a later version of an object whose stored
     * version is revoked is refused. Returns the jobs without those objects and puts the
     * refusals, by status id, into {@code refused}.
     */
    private static List<Job> refuseUpdatesOfRevoked(List<Job> batch, Map<String, Stored> stored,
                                                    Map<UUID, List<SubmissionStatus.Entry>> refused) {
        if (stored.values().stream().allMatch(s -> s.revokedUs() == Long.MAX_VALUE)) {
            return batch;
        }
        List<Job> out = new ArrayList<>();
        for (Job job : batch) {
            List<Prepared> keep = new ArrayList<>();
            for (Prepared o : job.objects()) {
                Stored s = stored.get(o.id());
                if (s != null && o.versionUs() > s.revokedUs()) {
                    refused.computeIfAbsent(job.statusId(), k -> new ArrayList<>()).add(new SubmissionStatus.Entry(o.id(),
                            o.version(), "this object was revoked at version " + Timestamps.format(s.revokedUs())
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
     * Stores the jobs' objects with one binary COPY (see {@link BinaryCopy}), each row with its final
     * {@code is_latest}: the newest version of its id, counting what is {@code stored}. Only the stored
     * rows that stop being the newest are updated. When some version may be stored already (an id's
     * version not newer than its stored newest), the rows go through a per-session scratch table and an
     * insert that skips those (a resubmission is idempotent). Returns the last date_added handed out.
     */
    private static long insert(Handle h, List<Job> jobs, long last, Map<String, Stored> stored) {
        // a version twice in one batch: the first is stored, the other is a resubmission
        record Row(Job job, Prepared o) {
        }
        // per id, the newest incoming version; a second entry of the same version is dropped. Keyed
        // by the id alone (versions of one id in one batch are rare: a list of them suffices)
        Map<String, long[]> versionsOf = HashMap.newHashMap(jobs.stream().mapToInt(j -> j.objects().size()).sum());
        List<Row> rows = new ArrayList<>();
        for (Job job : jobs) {
            for (Prepared o : job.objects()) {
                long v = o.versionUs();
                long[] seen = versionsOf.get(o.id());
                if (seen == null) {
                    versionsOf.put(o.id(), new long[] {v, v}); // {newest, the one version seen}
                } else {
                    if (seen.length == 2 && seen[1] == v || seen.length > 2 && contains(seen, v)) {
                        continue;
                    }
                    long[] more = java.util.Arrays.copyOf(seen, Math.max(seen.length + 1, 3));
                    more[0] = Math.max(seen[0], v);
                    more[more.length - 1] = v;
                    versionsOf.put(o.id(), more);
                }
                rows.add(new Row(job, o));
            }
        }
        if (rows.isEmpty()) {
            return last;
        }
        boolean mayBeStored = false;
        List<String> flipIds = new ArrayList<>();
        List<Long> flipVersions = new ArrayList<>();
        if (!stored.isEmpty()) {
            for (var e : versionsOf.entrySet()) {
                Stored s = stored.get(e.getKey());
                if (s != null && e.getValue()[0] > s.newestUs()) {
                    flipIds.add(e.getKey());
                    flipVersions.add(s.newestUs());
                }
            }
            for (Row row : rows) {
                Stored s = stored.get(row.o().id());
                if (s != null && row.o().versionUs() <= s.newestUs()) {
                    mayBeStored = true;
                    break;
                }
            }
        }
        if (!flipIds.isEmpty()) {
            h.createUpdate("""
                    update stix_object o set is_latest = false
                    from unnest(cast(:ids as text[]), cast(:versions as bigint[])) as old(id, version_us)
                    where o.id = old.id and o.version_us = old.version_us""")
                    .bind("ids", flipIds.toArray(String[]::new)).bind("versions", flipVersions.toArray(Long[]::new))
                    .execute();
        }
        if (mayBeStored) {
            h.execute("create temp table if not exists stix_object_stage (like stix_object) on commit delete rows");
        }
        // nearly always every version is new: COPY straight into the table, else through the scratch table
        String target = mayBeStored ? "stix_object_stage" : "stix_object";
        long now = Timestamps.nowMicros();
        Job sectorsOf = null;
        List<String> sectors = List.of();
        try (BinaryCopy copy = BinaryCopy.into(h.getConnection(),
                "copy " + target + " (" + STIX_OBJECT_COLUMNS + ") from stdin (format binary)")) {
            for (Row row : rows) {
                Prepared o = row.o();
                Job job = row.job();
                Stored s = stored.isEmpty() ? null : stored.get(o.id());
                boolean latest = o.versionUs() == versionsOf.get(o.id())[0] && (s == null || o.versionUs() > s.newestUs());
                var to = job.submission().recipients();
                if (job != sectorsOf) {
                    sectorsOf = job;
                    sectors = to.sectors().stream().map(Sector::wire).toList();
                }
                last = Math.max(now, last + 1);
                copy.row(15).text(o.id()).int8(o.versionUs()).int8(last).text(o.type()).text(o.specVersion())
                        .int2(o.tlp()).uuid(job.submitter().memberId()).bool(job.anonymous())
                        .uuidArray(to.members()).textArray(sectors).uuidArray(to.groups())
                        .bool(o.revoked()).bool(latest).text(o.body()).text(o.original());
            }
            copy.finish();
        } catch (SQLException e) {
            throw new StoreException("could not store the batch: " + e.getMessage(), e);
        }
        if (mayBeStored) {
            h.execute("insert into stix_object (" + STIX_OBJECT_COLUMNS + ") select " + STIX_OBJECT_COLUMNS
                    + " from stix_object_stage on conflict (id, version_us) do nothing");
        }
        return last;
    }

    /** Whether {@code versions[1..]} (the versions of one id seen in a batch) holds {@code v}. */
    private static boolean contains(long[] versions, long v) {
        for (int i = 1; i < versions.length; i++) {
            if (versions[i] == v) {
                return true;
            }
        }
        return false;
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
