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
        report("parse+validate", rounds, threads.getCurrentThreadCpuTime() - cpu0, System.nanoTime() - wall0);

        cpu0 = threads.getCurrentThreadCpuTime();
        wall0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) sink += json.parseEnvelope(fixture.envelope).objects().size();
        report("parse only", rounds, threads.getCurrentThreadCpuTime() - cpu0, System.nanoTime() - wall0);

        cpu0 = threads.getCurrentThreadCpuTime();
        wall0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            for (StixObject object : fixture.parsed.objects()) sink += validator.validate(object).size();
        }
        report("validate only", rounds, threads.getCurrentThreadCpuTime() - cpu0, System.nanoTime() - wall0);
        System.out.println("(checksum " + sink + ")");
    }

    private static void report(String what, int rounds, long cpuNanos, long wallNanos) {
        long objects = (long) rounds * StixIngestBenchmark.OBJECTS;
        System.out.printf("%-15s %,10.0f objects/CPU-s %,10.0f objects/wall-s (%d x %d-indicator envelope)%n",
                what, objects / (cpuNanos / 1e9), objects / (wallNanos / 1e9), rounds, StixIngestBenchmark.OBJECTS);
    }

    private static long run(StixJson json, StixValidator validator, byte[] body) {
        long findings = 0;
        for (StixObject object : json.parseEnvelope(body).objects()) findings += validator.validate(object).size();
        return findings;
    }
}
