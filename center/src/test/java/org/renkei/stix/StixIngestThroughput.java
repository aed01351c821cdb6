package org.renkei.stix;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Parse + validate throughput measured in CPU time of the measuring thread, alongside
 * wall time. On a shared machine (other builds running) wall-clock JMH scores swing by
 * several times; objects per CPU-second shows what one core does. Same envelope as
 * {@link StixIngestBenchmark}. Run with the test classpath:
 * {@code java -cp … org.renkei.stix.StixIngestThroughput [rounds]}.
 */
public final class StixIngestThroughput {

    private StixIngestThroughput() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        StixIngestBenchmark fixture = new StixIngestBenchmark();
        fixture.buildEnvelope();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StixJson json = StixJson.withDefaultLimits();
        StixValidator validator = StixValidator.standard();
        long sink = 0;
        for (int warmup = 0; warmup < 10; warmup++) sink += run(json, validator, fixture.envelope);
        long cpu0 = threads.getCurrentThreadCpuTime(), wall0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) sink += run(json, validator, fixture.envelope);
        long cpu = threads.getCurrentThreadCpuTime() - cpu0, wall = System.nanoTime() - wall0;
        long objects = (long) rounds * StixIngestBenchmark.OBJECTS;
        System.out.printf("parse+validate of %d-indicator envelopes, %d rounds (%d findings):%n", StixIngestBenchmark.OBJECTS, rounds, sink);
        System.out.printf("  %,.0f objects per CPU-second%n", objects / (cpu / 1e9));
        System.out.printf("  %,.0f objects per wall-second%n", objects / (wall / 1e9));
    }

    private static long run(StixJson json, StixValidator validator, byte[] body) {
        long findings = 0;
        for (StixObject object : json.parseEnvelope(body).objects()) findings += validator.validate(object).size();
        return findings;
    }
}
