package org.renkei.intel;

import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * The ingest writer's per-batch lookups ({@code col = any(:sorted array)} on an index whose leading
 * column is {@code col}) are run with sequential scans disabled for their duration.
 *
 * <p>Why: for an array of thousands of elements the planner estimates one index descent per element
 * and prefers a sequential scan of the whole table, so a batch's lookup would cost what the store
 * holds. Run on the index, PostgreSQL 17+ walks it once for the whole sorted array (skipping between
 * elements; older versions descend per element within the one scan): on PostgreSQL 18, 17,000 keys
 * on 400,000 rows, 60 ms instead of 158 ms for the earlier form, a LATERAL subquery per element whose
 * executor rescans cost more than the index probes themselves. {@code BatchLookupPlanTest} checks the
 * plans.
 *
 * <p>Parallel workers are off for the same statements: before autovacuum has analyzed a growing table
 * the planner may expect tens of thousands of matches and start two workers for a lookup that finds
 * none; starting them cost ~250 ms per batch (seen as 360–750 ms lookups in the first batches of a
 * bench run), the lookup itself 20–60 ms.
 *
 * <p>And the plan is the generic one ({@code plan_cache_mode=force_generic_plan}): a custom plan is made
 * for the bound array's values, and estimating the selectivity of 17,000 elements one by one took
 * 33–38 ms per batch at bind, more than executing the lookup (--pg-statements; bench/center/README.md,
 * ingest round 5). The generic plan does not look at the values; with the settings above it is the
 * same index scan. The settings are transaction-local
 * ({@code set_config(..., true)}) and restored afterwards, so the rest of the writer's transaction
 * plans as usual.
 */
final class BatchLookups {
    private BatchLookups() {
    }

    /**
     * Below this many elements the planner takes the index of its own accord, and a one-object batch
     * (the latency path) is spared the two extra round trips.
     */
    static final int SMALL = 32;

    static <T> T byIndex(Handle h, int elements, Supplier<T> lookup) {
        if (elements < SMALL) {
            return lookup.get();
        }
        String[] before = h.createQuery("""
                select current_setting('enable_seqscan'), current_setting('max_parallel_workers_per_gather'),
                  current_setting('plan_cache_mode'), set_config('enable_seqscan', 'off', true),
                  set_config('max_parallel_workers_per_gather', '0', true),
                  set_config('plan_cache_mode', 'force_generic_plan', true)""")
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).one();
        T out = lookup.get();
        // not in a finally: after a failed statement the transaction is aborted (and rolls the settings back)
        h.createQuery("""
                select set_config('enable_seqscan', :s, true), set_config('max_parallel_workers_per_gather', :w, true),
                  set_config('plan_cache_mode', :p, true)""")
                .bind("s", before[0]).bind("w", before[1]).bind("p", before[2]).map((rs, ctx) -> rs.getString(1)).one();
        return out;
    }
}
