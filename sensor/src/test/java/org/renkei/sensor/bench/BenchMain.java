package org.renkei.sensor.bench;

import org.openjdk.jmh.runner.RunnerException;

/** Runs the sensor's JMH benchmarks: {@code BenchMain [JMH options]}, e.g. {@code BenchMain PipelineBenchmark -f 1}. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws RunnerException, java.io.IOException {
        String[] a = args.length == 0 ? new String[] {"org.renkei.sensor.bench.PipelineBenchmark"} : args;
        org.openjdk.jmh.Main.main(a);
    }
}
